"""Running exporters: preflight rules; export into a staging folder → check → atomic publish.

Each exporter gets the frozen course and a context with its own options (``options_for``)."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import multiprocessing.connection
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import jinja2

from .exporter import Export, ExportContext, Exporter, SourceContext, exporter_labels
from .load import Loaded
from .model import Course
from .options import options_for
from .problems import Problem, SourceDateError, error

def builtin_templates() -> Path:
    """The built-in templates folder: ``coursepack/templates`` in an installed wheel (pyproject.toml
    maps the repository's top-level ``templates/`` there), the top-level folder in a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "templates"
    return installed if installed.is_dir() else here.parent / "templates"


BUILTIN_TEMPLATES = builtin_templates()


def source_date(course: Course, environ: dict[str, str] | None = None) -> dt.datetime:
    """The build's timestamp: SOURCE_DATE_EPOCH when set, else the course date at 00:00 UTC."""
    value = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        try:
            return dt.datetime.fromtimestamp(int(value), dt.timezone.utc)
        except (ValueError, OverflowError, OSError) as exc:
            raise SourceDateError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since "
                                  f"1970-01-01, got {value!r}") from exc
    return dt.datetime(course.date.year, course.date.month, course.date.day, tzinfo=dt.timezone.utc)


def template_dirs(course_root: Path, name: str, shared: str = "") -> list[Path]:
    """Where exporter ``name`` finds templates: the course's own first, then the built-in ones;
    in each, the exporter's folder before the ``shared`` one it may have with its siblings."""
    names = [name] + ([shared] if shared and shared != name else [])
    return [base / n for base in (course_root / "templates", BUILTIN_TEMPLATES) for n in names]


def template_environment(course_root: Path, name: str, shared: str = "") -> jinja2.Environment:
    """Jinja2 templates for exporter ``name``: the course's own override the built-in ones."""
    folders = template_dirs(course_root, name, shared)
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(f) for f in folders if f.is_dir()]),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
        trim_blocks=True, lstrip_blocks=True,
    )


def exporter_rule(message: str, names: list[str]) -> str:
    """``message`` marked as the rule of the exporter(s) ``names`` (in their order)."""
    if len(names) == 1:
        return f"{message} (rule of the {names[0]} exporter)"
    return f"{message} (rule of the {', '.join(names[:-1])} and {names[-1]} exporters)"


def run_preflights(classes: list[type[Exporter]], loaded: Loaded, named: Iterable[str] = ()) -> list[Problem]:
    """The preflight problems of every exporter in ``classes``, each message saying whose rule it is.

    The same problem found by several exporters (scorm12 and scorm2004 share most rules) is
    reported once, naming all of them. An exporter whose rules apply only when it is asked for
    by name (``preflight_when_named_only``) is checked only when ``named`` holds its name.
    """
    named = set(named)
    found: dict[Problem, list[str]] = {}
    for cls in classes:
        if getattr(cls, "preflight_when_named_only", False) and cls.name not in named:
            continue
        ctx = SourceContext(options_for(cls, loaded.options), loaded.root, all_options=loaded.options)
        for problem in cls().preflight(loaded.course, ctx):
            names = found.setdefault(problem, [])
            if cls.name not in names:
                names.append(cls.name)
    return [Problem(p.path, p.line, p.col, exporter_rule(p.message, names), p.severity)
            for p, names in found.items()]


@dataclass(frozen=True)
class ExportResult:
    name: str
    paths: tuple[Path, ...]
    problems: tuple[Problem, ...]
    crashed: bool = False           # the exporter raised: a bug, reported as exit status 3


def current_umask() -> int:
    """The process's umask (read from /proc where there is one: setting it to read it back is
    not safe while other threads create files)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~current_umask())     # mkstemp makes 0600; a plain open would not
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def run_exporter(exporter_cls: type[Exporter], loaded: Loaded, out_dir: Path,
                 warn: Callable[[str], None], environ: dict[str, str] | None = None) -> ExportResult:
    """Export into a private staging folder, check, then publish each file atomically.

    On any failure (check problems, an exception, Ctrl-C) the staging folder is removed and
    the output folder keeps whatever it held before.
    """
    exporter = exporter_cls()
    name = exporter.name
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-staging-", dir=out_dir))
    try:
        course = loaded.course
        ctx = ExportContext(options_for(exporter_cls, loaded.options), loaded.root, staging,
                            source_date(course, environ),
                            template_environment(loaded.root, name, exporter.template_folder), warn,
                            exporter_labels(exporter_cls, course), all_options=loaded.options)
        export = exporter.export(course, ctx)
        paths = [Path(p) for p in export.paths]
        outside = [p for p in paths if p.resolve().parent != staging.resolve()]
        if outside:
            return ExportResult(name, (), (error(name, 0, 0, f"exporter wrote outside its staging "
                                                 f"folder: {outside[0]}"),))
        export = Export(tuple(paths), tuple(export.problems))
        problems = export.problems + tuple(exporter.check(export, ctx))
        if any(p.severity == "error" for p in problems):
            return ExportResult(name, (), problems)
        published = []
        for path in paths:
            target = out_dir / path.name
            os.replace(path, target)
            published.append(target)
        return ExportResult(name, tuple(published), problems)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run_exporters(classes: list[type[Exporter]], loaded: Loaded, out_dir: Path,
                  warn_for: Callable[[str], Callable[[str], None]], jobs: int = 1,
                  on_done: Callable[[ExportResult, float], None] | None = None) -> list[ExportResult]:
    """Run several exporters, up to ``jobs`` at once in forked worker processes.

    Each worker inherits the loaded course (no pickling of the model) and sends back only its
    ``ExportResult``. Results come back in the order of ``classes``.
    """
    import time

    if jobs <= 1 or len(classes) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        results = []
        for cls in classes:
            started = time.perf_counter()
            result = export_safely(cls, loaded, out_dir, warn_for(cls.name))
            if on_done:
                on_done(result, time.perf_counter() - started)
            results.append(result)
        return results
    context = multiprocessing.get_context("fork")
    pending = list(enumerate(classes))
    running: dict[int, tuple] = {}
    results: dict[int, ExportResult] = {}
    try:
        while pending or running:
            while pending and len(running) < jobs:
                index, cls = pending.pop(0)
                receiver, sender = context.Pipe(duplex=False)
                process = context.Process(target=_export_in_worker,
                                          args=(sender, cls, loaded, out_dir, warn_for(cls.name)))
                process.start()
                sender.close()
                running[index] = (process, receiver, cls, time.perf_counter())
            ready = multiprocessing.connection.wait([r for _, r, _, _ in running.values()])
            for index in [i for i, (_, r, _, _) in running.items() if r in ready]:
                process, receiver, cls, started = running.pop(index)
                try:
                    result = receiver.recv()
                except EOFError:
                    result = ExportResult(cls.name, (), (error(cls.name, 0, 0, "the exporter's worker "
                                                               "process died without a result"),), crashed=True)
                process.join()
                results[index] = result
                if on_done:
                    on_done(result, time.perf_counter() - started)
    finally:
        for process, _, _, _ in running.values():
            process.terminate()
            process.join()
    return [results[i] for i in range(len(classes))]


def export_safely(cls: type[Exporter], loaded: Loaded, out_dir: Path,
                  warn: Callable[[str], None]) -> ExportResult:
    """``run_exporter``, with a crash of the exporter turned into a failed result."""
    try:
        return run_exporter(cls, loaded, out_dir, warn)
    except Exception as exc:
        if os.environ.get("COURSEPACK_DEBUG"):
            raise
        return ExportResult(cls.name, (), (error(cls.name, 0, 0, f"internal error in the exporter: "
                                                 f"{type(exc).__name__}: {exc}"),), crashed=True)


def _export_in_worker(sender, cls: type[Exporter], loaded: Loaded, out_dir: Path,
                      warn: Callable[[str], None]) -> None:
    sender.send(export_safely(cls, loaded, out_dir, warn))
    sender.close()
