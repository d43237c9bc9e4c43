"""The golden-file rule (goldens.py): missing or different fails everywhere, with a readable diff;
files are written only on explicit request, never under CI=true."""

from __future__ import annotations

import io
import zipfile

import pytest

from goldens import Goldens, update_requested


def archive(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, data in members.items():
            out.writestr(name, data)
    return buffer.getvalue()


def test_a_missing_golden_fails_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(AssertionError, match=r"tests/golden/x/a\.xml is missing: run pytest --update-goldens"):
        Goldens(update=False, root=tmp_path).check_text("x/a.xml", b"<a/>\n")
    assert not (tmp_path / "x").exists()


def test_a_different_golden_fails_with_a_unified_diff(tmp_path):
    (tmp_path / "a.xml").write_bytes(b"<a>\n  <b>1</b>\n  <c/>\n</a>\n")
    with pytest.raises(AssertionError) as failure:
        Goldens(update=False, root=tmp_path).check_text("a.xml", b"<a>\n  <b>2</b>\n  <c/>\n</a>\n")
    message = str(failure.value)
    assert "differs from tests/golden/a.xml" in message and "--update-goldens" in message
    assert "--- golden/a.xml\n+++ now/a.xml\n" in message
    assert "\n-  <b>1</b>\n+  <b>2</b>\n" in message
    assert (tmp_path / "a.xml").read_bytes() == b"<a>\n  <b>1</b>\n  <c/>\n</a>\n"


def test_an_equal_golden_passes(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"same\n")
    Goldens(update=False, root=tmp_path).check_text("a.txt", b"same\n")


def test_a_long_diff_is_cut(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"".join(b"%d\n" % n for n in range(500)))
    with pytest.raises(AssertionError) as failure:
        Goldens(update=False, root=tmp_path).check_text("a.txt", b"".join(b"x%d\n" % n for n in range(500)))
    assert "more diff lines" in str(failure.value)
    assert len(str(failure.value).splitlines()) < 70


def test_update_writes_only_what_changed_and_says_so(tmp_path):
    (tmp_path / "same.txt").write_bytes(b"same\n")
    goldens = Goldens(update=True, root=tmp_path)
    goldens.check_text("same.txt", b"same\n")
    goldens.check_text("new/one.txt", b"one\n")
    assert goldens.rewritten == ["new/one.txt"]
    assert (tmp_path / "new" / "one.txt").read_bytes() == b"one\n"
    Goldens(update=False, root=tmp_path).check_text("new/one.txt", b"one\n")


@pytest.mark.parametrize("option, variable, wanted", [
    (False, None, False), (True, None, True), (False, "1", True), (False, "0", False)])
def test_update_is_asked_for_by_the_option_or_the_variable(option, variable, wanted, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    if variable is None:
        monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    else:
        monkeypatch.setenv("UPDATE_GOLDEN", variable)
    assert update_requested(option) is wanted


def test_update_is_refused_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("UPDATE_GOLDEN", raising=False)
    assert update_requested(False) is False
    with pytest.raises(RuntimeError, match="not rewritten under CI=true"):
        update_requested(True)


def test_an_archive_is_its_member_list_and_its_members(tmp_path):
    first = archive({"imsmanifest.xml": b"<m/>\n", "pages/a.html": b"<p>a</p>\n", "logo.png": b"\x89PNG"})
    goldens = Goldens(update=True, root=tmp_path)
    goldens.check_archive("pkg", first, ["imsmanifest.xml", "pages/a.html"])
    assert (tmp_path / "pkg" / "members.txt").read_text() == "imsmanifest.xml\npages/a.html\nlogo.png\n"
    assert not (tmp_path / "pkg" / "logo.png").exists()
    Goldens(update=False, root=tmp_path).check_archive("pkg", first, ["imsmanifest.xml", "pages/a.html"])

    changed = archive({"imsmanifest.xml": b"<m v='2'/>\n", "pages/a.html": b"<p>a</p>\n", "logo.png": b"\x89PNG",
                       "extra.js": b"x\n"})
    with pytest.raises(AssertionError) as failure:
        Goldens(update=False, root=tmp_path).check_archive("pkg", changed, ["imsmanifest.xml", "pages/a.html"])
    message = str(failure.value)
    assert message.startswith("2 file(s) of pkg differ from the golden folder")
    assert "\n+extra.js\n" in message                          # the member list
    assert "\n-<m/>\n+<m v='2'/>\n" in message                   # the manifest


def test_updating_an_archive_removes_members_it_no_longer_has(tmp_path):
    goldens = Goldens(update=True, root=tmp_path)
    goldens.check_archive("pkg", archive({"a.txt": b"a\n", "old/b.txt": b"b\n"}))
    goldens.check_archive("pkg", archive({"a.txt": b"a\n"}))
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "pkg", "pkg/a.txt", "pkg/members.txt"]
    assert "pkg/old/b.txt (removed)" in goldens.rewritten


def test_a_member_the_test_names_must_be_in_the_archive(tmp_path):
    with pytest.raises(AssertionError, match=r"not in the archive: \['metadata.xml'\]"):
        Goldens(update=False, root=tmp_path).check_archive("pkg", archive({"a.txt": b"a\n"}), ["metadata.xml"])
