"""Helpers the reader tests share: the coursepack command as a user runs it, course copies with
exporter options."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml


def coursepack(*args: str) -> None:
    """The coursepack command line, as a user runs it."""
    exe = Path(sys.executable).with_name("coursepack")
    done = subprocess.run([str(exe) if exe.exists() else "coursepack", *args], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


def with_options(course_dir: Path, target: Path, exporters: dict) -> Path:
    """A copy of ``course_dir`` whose course.yaml sets ``exporters:`` options."""
    shutil.copytree(course_dir, target)
    source = target / "course.yaml"
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    data["exporters"] = {**(data.get("exporters") or {}), **exporters}
    source.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target
