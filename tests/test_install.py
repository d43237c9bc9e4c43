"""A real install: the wheel built from this checkout, installed into a new virtual environment
outside it, used from an unrelated folder (what `pip install coursepack` gives a user).

Slow (about a minute): one wheel, one venv, a starter course and every exporter.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LOCK = REPO / "requirements.lock"
#: repository folders that the wheel maps into the one import package ``coursepack``
MAPPED = {"exporters": "coursepack/exporters", "templates": "coursepack/templates",
          "coursepack/starter": "coursepack/starter"}


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None, timeout: int = 600):
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


def clean_env() -> dict[str, str]:
    """The environment without anything that would put the checkout on the import path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> tuple[Path, str]:
    """The wheel of this checkout and what building it printed."""
    out = tmp_path_factory.mktemp("wheel")
    # built from a copy: setuptools writes build/ and coursepack.egg-info/ beside the sources, and
    # an egg-info left in the checkout would shadow the installed entry points of later runs
    source = tmp_path_factory.mktemp("source") / "coursepack"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "build", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis"))
    # an isolated build, as pip does for a user: setuptools from the index, not from this venv
    result = run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-cache-dir", "-v", "-w", out, source,
                 cwd=out, env=clean_env())
    (path,) = out.glob("coursepack-*.whl")
    return path, result.stdout + result.stderr


@pytest.fixture(scope="module")
def installed(tmp_path_factory, wheel) -> Path:
    """A new venv outside the checkout with the locked dependencies and the wheel: its bin folder."""
    venv = tmp_path_factory.mktemp("venv") / "v"
    run(sys.executable, "-m", "venv", venv, cwd=venv.parent)
    pip = venv / "bin" / "pip"
    run(pip, "install", "--quiet", "--require-hashes", "--no-deps", "-r", LOCK, cwd=venv.parent, env=clean_env())
    # with its dependencies: the ranges in pyproject.toml must accept the locked set as it is
    run(pip, "install", "--quiet", wheel[0], cwd=venv.parent, env=clean_env())
    return venv / "bin"


pytestmark = pytest.mark.slow


def test_building_the_wheel_prints_no_warning(wheel):
    _, printed = wheel
    lines = [line for line in printed.splitlines()
             if "warning" in line.lower() and "byte-compiling is disabled" not in line]
    assert not lines, "\n".join(lines)


def test_the_wheel_holds_one_import_package_with_every_data_file(wheel):
    names = set(zipfile.ZipFile(wheel[0]).namelist())
    tops = {name.split("/")[0] for name in names if not name.startswith("coursepack-")}
    assert tops == {"coursepack"}
    for folder, packaged in MAPPED.items():
        files = [p for p in (REPO / folder).rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts]
        assert files, folder
        missing = [str(p.relative_to(REPO)) for p in files
                   if f"{packaged}/{p.relative_to(REPO / folder).as_posix()}" not in names]
        assert not missing, f"not in the wheel: {missing}"


def test_installed_wheel_builds_every_output_of_a_new_course_from_another_folder(installed, tmp_path):
    env = clean_env()
    work = tmp_path / "somewhere" / "else"
    work.mkdir(parents=True)
    run(installed / "coursepack", "new", "my-course", "--title", "Kursus Saya: Dasar", cwd=work, env=env)
    result = run(installed / "coursepack", "build", "all", "--course", "my-course", cwd=work, env=env)
    outputs = sorted(p.name for p in (work / "build").iterdir() if not p.name.startswith("."))
    assert outputs == ["kursus-saya-dasar-cc.imscc", "kursus-saya-dasar-handbook.pdf",
                       "kursus-saya-dasar-moodle-backup.mbz", "kursus-saya-dasar-moodle.xml",
                       "kursus-saya-dasar-scorm12.zip", "kursus-saya-dasar-scorm2004.zip"], result.stderr
    assert all((work / "build" / name).stat().st_size > 1000 for name in outputs)
    assert "warning" not in result.stderr.lower(), result.stderr


def test_installed_package_is_coursepack_alone(installed, tmp_path):
    python = installed / "python"
    found = run(python, "-c", "import coursepack, coursepack.exporters.scorm as s; print(s.__file__)",
                cwd=tmp_path, env=clean_env()).stdout
    assert "site-packages" in found and str(REPO) not in found
    refused = subprocess.run([str(python), "-c", "import exporters"], cwd=tmp_path, env=clean_env(),
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 and "ModuleNotFoundError" in refused.stderr


def test_python_dash_m_is_the_console_script(installed, tmp_path):
    by_module = run(installed / "python", "-m", "coursepack", "exporters", cwd=tmp_path, env=clean_env()).stdout
    by_script = run(installed / "coursepack", "exporters", cwd=tmp_path, env=clean_env()).stdout
    assert by_module == by_script and "scorm12" in by_module
