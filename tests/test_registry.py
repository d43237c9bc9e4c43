"""Exporters are found through entry points, exactly as a third party registers its own.

``tests/fixtures/plugin/`` is a tiny installable package (``cp-wordcount``). The tests make it
discoverable without installing it into the shared venv: they write a ``*.dist-info`` folder
(METADATA + entry_points.txt, which is all ``importlib.metadata`` reads) next to a copy of the
module in ``tmp_path`` and put that folder on PYTHONPATH of a real ``coursepack`` process.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from coursepack.exporter import Exporter
from coursepack.problems import RegistryError
from coursepack.registry import GROUP, discover_exporters, select_exporters

REPO = Path(__file__).resolve().parent.parent
PLUGIN = REPO / "tests" / "fixtures" / "plugin"
MINI = REPO / "tests" / "fixtures" / "courses" / "mini"
BUILTINS = ["cc", "handbook", "moodle", "moodle-backup", "scorm12", "scorm2004"]


def install_fake_distribution(site: Path, name: str, version: str, entry_points: dict[str, str]) -> None:
    """What ``pip install`` leaves behind, reduced to what entry-point discovery reads."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
                                   encoding="utf-8")
    lines = [f"[{GROUP}]"] + [f"{key} = {value}" for key, value in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def plugin_entry_points() -> dict[str, str]:
    """The entry points declared in the fixture package's own pyproject.toml."""
    project = tomllib.loads((PLUGIN / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return dict(project["entry-points"][GROUP])


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A folder holding the plug-in module and its dist-info, as if installed there."""
    folder = tmp_path / "site"
    folder.mkdir()
    shutil.copy(PLUGIN / "cp_wordcount.py", folder / "cp_wordcount.py")
    install_fake_distribution(folder, "cp-wordcount", "1.0.0", plugin_entry_points())
    return folder


def coursepack(site: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(REPO)])}
    env.pop("COURSEPACK_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "coursepack.cli", *args], cwd=cwd or REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def test_fixture_package_declares_the_entry_point():
    assert plugin_entry_points() == {"wordcount": "cp_wordcount:WordCountExporter"}


def test_third_party_exporter_is_listed(site: Path):
    result = coursepack(site, "exporters")
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines()]
    assert names == sorted(BUILTINS + ["wordcount"])
    assert ["wordcount", "words per lesson (.txt)"] in [line.split(None, 1) for line in result.stdout.splitlines()]


def test_third_party_exporter_builds(site: Path, tmp_path: Path):
    out = tmp_path / "out"
    result = coursepack(site, "build", "wordcount", "--course", str(MINI), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    report = out / "mini-course-wordcount.txt"
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [report.name]
    lines = report.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Kursus Mini 0.1"
    assert [line.split("\t")[0] for line in lines[1:]] == ["dasar-pengantar", "dasar-istilah",
                                                            "lanjut-penerapan", "total"]
    counts = [int(line.split("\t")[1]) for line in lines[1:4]]
    assert all(n > 0 for n in counts) and int(lines[4].split("\t")[1]) == sum(counts)


def test_third_party_options_are_validated_from_course_yaml(site: Path, mini_copy: Path):
    path = mini_copy / "course.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "completion:", "exporters:\n  wordcount:\n    words_per_minit: 100\ncompletion:"), encoding="utf-8")
    result = coursepack(site, "validate", "--course", "c", cwd=mini_copy.parent)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == ("c/course.yaml:22:5: exporters.wordcount: unknown key "
                                             "'words_per_minit' — did you mean 'words_per_minute'?")


def test_second_distribution_with_an_existing_name_is_refused(site: Path, tmp_path: Path):
    install_fake_distribution(site, "cp-impostor", "0.1", {"moodle": "cp_wordcount:FakeMoodleExporter"})
    for args in (["exporters"], ["build", "wordcount", "--course", str(MINI), "--out", str(tmp_path / "out")],
                 ["validate", "--course", str(MINI)]):
        result = coursepack(site, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
        message = result.stderr.strip()
        assert message.startswith("coursepack: exporter name 'moodle' is registered twice: by ")
        assert "coursepack.exporters.moodle:MoodleExporter (package coursepack)" in message
        assert "cp_wordcount:FakeMoodleExporter (package cp-impostor)" in message
        assert message.endswith("; uninstall one of them")
    assert not (tmp_path / "out").exists()


def test_broken_plugin_is_a_usage_error(site: Path):
    install_fake_distribution(site, "cp-broken", "0.1", {"broken": "cp_missing_module:Exporter"})
    result = coursepack(site, "exporters")
    assert result.returncode == 2
    assert result.stderr == ("coursepack: exporter 'broken' (cp_missing_module:Exporter) cannot be loaded: "
                             "ModuleNotFoundError: No module named 'cp_missing_module'\n")


# --- discover_exporters / select_exporters in-process ---------------------------------------------

class Good(Exporter):
    name = "good"
    description = "good"


class Other(Exporter):
    name = "other"


class NotAnExporter:
    name = "plain"


def point(name: str, attr: str) -> EntryPoint:
    return EntryPoint(name=name, value=f"{__name__}:{attr}", group=GROUP)


def test_discover_from_given_entry_points():
    found = discover_exporters([point("other", "Other"), point("good", "Good")])
    assert list(found) == ["good", "other"]      # sorted by name, whatever the discovery order
    assert found["good"] is Good


def test_the_same_entry_point_seen_twice_is_not_a_duplicate():
    assert list(discover_exporters([point("good", "Good"), point("good", "Good")])) == ["good"]


@pytest.mark.parametrize("points, message", [
    ([point("good", "Good"), EntryPoint("good", f"{__name__}:Other", GROUP)],
     f"exporter name 'good' is registered twice: by {__name__}:Good and by {__name__}:Other; "
     "uninstall one of them"),
    ([point("plain", "NotAnExporter")],
     f"exporter 'plain' ({__name__}:NotAnExporter) is not a subclass of coursepack.exporter.Exporter"),
    ([point("renamed", "Good")],
     f"exporter 'renamed' ({__name__}:Good) calls itself 'good': the entry-point name and the class's "
     "name must be the same"),
    ([point("gone", "DoesNotExist")],
     f"exporter 'gone' ({__name__}:DoesNotExist) cannot be loaded: AttributeError: module "
     f"'{__name__}' has no attribute 'DoesNotExist'"),
])
def test_bad_registrations_are_refused(points, message):
    with pytest.raises(RegistryError) as info:
        discover_exporters(points)
    assert str(info.value) == message


def test_select_exporters():
    available = discover_exporters()
    assert list(available) == BUILTINS
    assert [c.name for c in select_exporters(["all"], available)] == BUILTINS
    assert [c.name for c in select_exporters(["moodle", "all", "moodle"], available)] == [
        "moodle", "cc", "handbook", "moodle-backup", "scorm12", "scorm2004"]
    with pytest.raises(RegistryError, match=r"^unknown exporter 'scorm2040': did you mean 'scorm2004'\? "
                                            r"available: cc, handbook, moodle, moodle-backup, scorm12, scorm2004$"):
        select_exporters(["scorm2040"], available)


def test_builtins_follow_the_interface():
    for name, cls in discover_exporters().items():
        assert cls.name == name and cls.description and cls.suffix.startswith(".")
        assert cls.Options.model_config.get("extra") == "forbid", f"{name}: Options must forbid unknown keys"
        assert cls.Options.model_config.get("frozen") is True, f"{name}: Options must be frozen"
        cls.Options()  # every option has a default
