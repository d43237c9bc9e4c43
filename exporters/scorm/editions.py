"""The two SCORM editions as data: everything that differs between SCORM 1.2 and SCORM 2004
4th edition (manifest namespaces and schemas, the control documents shipped at the package
root, the suspend_data limit), so one exporter class serves both."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import SCORM12_MANIFEST_XSD, SCORM2004_MANIFEST_XSD

XSI = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass(frozen=True)
class Edition:
    name: str
    label: str
    schemaversion: str
    xsd: Path
    namespaces: dict[str, str]
    schema_locations: tuple[tuple[str, str], ...]
    control_documents: tuple[str, ...]   # official XSDs shipped at the package root
    scormtype_attr: str
    suspend_limit: int


EDITIONS: dict[str, Edition] = {
    "scorm12": Edition(
        name="scorm12", label="SCORM 1.2", schemaversion="1.2",
        xsd=SCORM12_MANIFEST_XSD,
        namespaces={None: "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
                    "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2", "xsi": XSI},
        schema_locations=(("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"),
                          ("http://www.imsglobal.org/xsd/imsmd_rootv1p2p1", "imsmd_rootv1p2p1.xsd"),
                          ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd")),
        control_documents=("adlcp_rootv1p2.xsd", "ims_xml.xsd", "imscp_rootv1p1p2.xsd",
                           "imsmd_rootv1p2p1.xsd"),
        scormtype_attr="scormtype", suspend_limit=4096,
    ),
    "scorm2004": Edition(
        name="scorm2004", label="SCORM 2004 4th Edition", schemaversion="2004 4th Edition",
        xsd=SCORM2004_MANIFEST_XSD,
        namespaces={None: "http://www.imsglobal.org/xsd/imscp_v1p1",
                    "adlcp": "http://www.adlnet.org/xsd/adlcp_v1p3",
                    "adlseq": "http://www.adlnet.org/xsd/adlseq_v1p3",
                    "adlnav": "http://www.adlnet.org/xsd/adlnav_v1p3",
                    "imsss": "http://www.imsglobal.org/xsd/imsss",
                    "lom": "http://ltsc.ieee.org/xsd/LOM", "xsi": XSI},
        schema_locations=(("http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"),
                          ("http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"),
                          ("http://www.adlnet.org/xsd/adlseq_v1p3", "adlseq_v1p3.xsd"),
                          ("http://www.adlnet.org/xsd/adlnav_v1p3", "adlnav_v1p3.xsd"),
                          ("http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd")),
        control_documents=("XMLSchema.dtd", "adlcp_v1p3.xsd", "adlnav_v1p3.xsd", "adlseq_v1p3.xsd",
                           "datatypes.dtd", "imscp_v1p1.xsd", "imsss_v1p0.xsd",
                           "imsss_v1p0auxresource.xsd", "imsss_v1p0control.xsd",
                           "imsss_v1p0delivery.xsd", "imsss_v1p0limit.xsd", "imsss_v1p0objective.xsd",
                           "imsss_v1p0random.xsd", "imsss_v1p0rollup.xsd", "imsss_v1p0seqrule.xsd",
                           "imsss_v1p0util.xsd", "xml.xsd"),
        scormtype_attr="scormType", suspend_limit=64000,
    ),
}
