"""Timing and peak memory of whole processes (with their worker processes), for the benchmark."""

from __future__ import annotations

import os
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_process_mb: float     # largest resident set of any single process in the tree
    peak_total_mb: float       # largest sum of resident sets of the tree at one moment
    returncode: int


def read_rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def list_tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    tree, stack = [], [root]
    while stack:
        pid = stack.pop()
        tree.append(pid)
        stack.extend(children.get(pid, []))
    return tree


def run_process(command: list[str], env: dict[str, str] | None = None, interval: float = 0.05) -> Sample:
    """Run ``command``; sample the memory of it and every descendant until it ends."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, **(env or {})})
    peaks = {"one": 0.0, "total": 0.0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            sizes = [read_rss_mb(pid) for pid in list_tree(process.pid)]
            if sizes:
                peaks["one"] = max(peaks["one"], max(sizes))
                peaks["total"] = max(peaks["total"], sum(sizes))
            done.wait(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - started
    done.set()
    thread.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{stderr.decode()[-2000:]}")
    return Sample(seconds, peaks["one"], peaks["total"], process.returncode)


def median_sample(samples: list[Sample]) -> Sample:
    return Sample(statistics.median(s.seconds for s in samples), max(s.peak_process_mb for s in samples),
                  max(s.peak_total_mb for s in samples), 0)
