"""The built-in exporters. Each registers under the entry-point group ``coursepack.exporters``.

This folder is the import package ``coursepack.exporters`` once installed (pyproject.toml maps
it); the official schemas the exporters check their output against live in ``schemas/`` here.
"""

from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCORM12_MANIFEST_XSD = SCHEMA_DIR / "scorm12" / "scorm12_manifest.xsd"
SCORM2004_MANIFEST_XSD = SCHEMA_DIR / "scorm2004" / "scorm2004_manifest.xsd"
MOODLE_XML_XSD = SCHEMA_DIR / "moodle" / "moodle-xml.xsd"
CC11_MANIFEST_XSD = SCHEMA_DIR / "cc11" / "ccv1p1_imscp_v1p2_v1p0.xsd"
CC11_QTI_XSD = SCHEMA_DIR / "cc11" / "ccv1p1_qtiasiv1p2p1_v1p0.xsd"
