"""The ``coursepack`` command.

Exit status: 0 success; 1 the course source is invalid or an output failed its check;
2 usage error (unknown option or exporter, bad SOURCE_DATE_EPOCH, broken plug-in);
3 internal error (a bug: please report it). Never a traceback unless COURSEPACK_DEBUG=1.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import click

from . import __version__
from .problems import (OutputFolderError, Problem, RegistryError, SourceDateError, StarterError, errors_in,
                       format_problems_json, sort_problems)

EXIT_INVALID, EXIT_USAGE, EXIT_INTERNAL = 1, 2, 3

course_option = click.option("--course", "course_dir", default="course", show_default=True,
                             type=click.Path(file_okay=False, path_type=str),
                             help="The course source folder.")
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


def echo_err(message: str) -> None:
    click.echo(message, err=True)


def report(problems: list[Problem], strict: bool, fmt: str, quiet: bool) -> bool:
    """Print problems; True when they stop the build."""
    problems = sort_problems(problems)
    if fmt == "json":
        click.echo(format_problems_json(problems))
    else:
        for problem in problems:
            echo_err(problem.format())
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    failed = bool(errors_in(problems, strict))
    if fmt == "text" and (problems or not quiet):
        verdict = "invalid" if failed else "valid"
        extra = " (--strict: warnings count as errors)" if strict and warnings and not errors else ""
        echo_err(f"{len(errors)} error(s), {len(warnings)} warning(s): the course is {verdict}{extra}")
    return failed


def load_and_preflight(course_dir: str, exporter_names: list[str] | None):
    """Load the course and run the chosen exporters' preflight rules (all when None)."""
    from .load import load_course
    from .registry import discover_exporters, select_exporters

    available = discover_exporters()
    chosen = select_exporters(exporter_names or ["all"], available)
    loaded, problems = load_course(Path(course_dir), available, display_root=course_dir)
    named = set(exporter_names or ()) - {"all"}
    if loaded is not None:
        from .run import run_preflights
        problems += run_preflights(chosen, loaded, named)
    return loaded, problems, chosen


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coursepack")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool) -> None:
    """Turn one course source into SCORM packages, a Common Cartridge, a Moodle question bank and a PDF handbook."""
    ctx.obj = {"quiet": quiet}


@cli.command()
@course_option
@strict_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Problem output format (json goes to standard output).")
@click.option("--for", "for_names", multiple=True, metavar="NAME",
              help="Apply only these exporters' rules (repeat, or NAME,NAME; default: every exporter).")
@click.pass_context
def validate(ctx: click.Context, course_dir: str, strict: bool, fmt: str, for_names: tuple[str, ...]) -> None:
    """Check the course source and report every problem at once."""
    quiet = ctx.obj["quiet"]
    names = [n for value in for_names for n in re.split(r"[,\s]+", value) if n]
    loaded, problems, _ = load_and_preflight(course_dir, names or None)
    failed = report(problems, strict, fmt, quiet)
    if loaded is not None and not failed and fmt == "text" and not quiet:
        course = loaded.course
        echo_err(f"{course.id}: {len(course.modules)} modules, {len(course.lessons)} lessons, "
                 f"{len(course.questions)} questions, {len(course.outcomes)} outcomes")
    ctx.exit(EXIT_INVALID if failed else 0)


@cli.command()
@click.argument("names", nargs=-1, required=True)
@course_option
@click.option("--out", "out_dir", default="build", show_default=True,
              type=click.Path(file_okay=False, path_type=str), help="Output folder.")
@strict_option
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Exporters run at once (default: the number of CPU cores).")
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
@click.pass_context
def build(ctx: click.Context, names: tuple[str, ...], course_dir: str, out_dir: str, strict: bool,
          jobs: int | None, force: bool) -> None:
    """Validate, then build the outputs of the named exporters ('all' for every one).

    Outputs whose inputs did not change since the last good build are left as they are.
    """
    from .fingerprints import is_current, list_course_files, read_state, record_state

    quiet = ctx.obj["quiet"]
    out = Path(out_dir)
    files = list_course_files(Path(course_dir)) if Path(course_dir).is_dir() else []
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    state = read_state(out) if not force else {}
    wanted = expand_names(names)
    if wanted and not force and all(is_current(state, n, Path(course_dir), out, files, epoch, strict) for n in wanted):
        if not quiet:
            echo_err(f"up to date: {', '.join(wanted)} (nothing changed since the last build; --force rebuilds)")
        ctx.exit(0)
    loaded, problems, chosen = load_and_preflight(course_dir, list(names))
    if report(problems, strict, "text", True) or loaded is None:
        echo_err("nothing was built: fix the problems above and run again")
        ctx.exit(EXIT_INVALID)
    from .run import source_date
    source_date(loaded.course)   # a malformed SOURCE_DATE_EPOCH is a usage error, before anything runs
    prepare_output_folder(out)
    todo = [cls for cls in chosen if force or not is_current(state, cls.name, Path(course_dir), out, files, epoch, strict)]
    for cls in chosen:
        if cls not in todo and not quiet:
            echo_err(f"{cls.name}: up to date")
    warnings = sum(1 for p in problems if p.severity == "warning")

    def done(result, seconds: float) -> None:
        for problem in result.problems:
            echo_err(problem.format())
        if not result.paths:
            why = "the exporter crashed" if result.crashed else "its output did not pass the check"
            echo_err(f"{result.name}: FAILED — {why}; the previous output (if any) is unchanged")
        elif not quiet:
            for path in result.paths:
                echo_err(f"{result.name}: {path}  ({path.stat().st_size:,} bytes, {seconds:.1f} s)")

    if not quiet and todo:
        echo_err(f"building {', '.join(c.name for c in todo)} …")
    from .run import run_exporters

    results = run_exporters(todo, loaded, out, lambda n: (lambda msg: echo_err(f"{n}: warning: {msg}")),
                            jobs or os.cpu_count() or 1, done)
    record_state(out, state, todo, results, Path(course_dir), files, epoch, warnings)
    if any(r.crashed for r in results):
        echo_err("This is a bug in coursepack or in an exporter plug-in; set COURSEPACK_DEBUG=1 to see "
                 "the traceback and report it.")
        ctx.exit(EXIT_INTERNAL)
    ctx.exit(EXIT_INVALID if any(not r.paths for r in results) else 0)


def prepare_output_folder(out: Path) -> None:
    """Create the output folder and make sure files can be written in it, or say why not."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not os.access(out, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied")
    except OSError as exc:
        raise OutputFolderError(f"cannot create the output folder {out}: {exc.strerror or exc}; choose "
                                "another folder with --out") from exc


def expand_names(names: tuple[str, ...]) -> list[str]:
    """Exporter names without loading any exporter ('all' = every registered name)."""
    from importlib.metadata import entry_points
    registered = sorted({p.name for p in entry_points(group="coursepack.exporters")})
    result: list[str] = []
    for name in names:
        for n in (registered if name == "all" else [name]):
            if n not in result:
                result.append(n)
    return result


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--language", type=click.Choice(["en", "id"]), default="en", show_default=True,
              help="Language of the starter course.")
@click.option("--title", default=None, help="The course title (the course id is made from it).")
@click.pass_context
def new(ctx: click.Context, folder: Path, language: str, title: str | None) -> None:
    """Write a small, complete starter course into FOLDER (new or empty) to edit into your own."""
    from .scaffold import write_starter

    files = write_starter(folder, language, title)
    if not ctx.obj["quiet"]:
        echo_err(f"wrote a starter course in {folder} ({len(files)} files). Next:\n"
                 f"  coursepack validate --course {folder}\n"
                 f"  coursepack build all --course {folder}")


@cli.command()
@course_option
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="Port on 127.0.0.1 (0: a free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
def preview(course_dir: str, port: int, open_browser: bool) -> None:
    """Serve the course as the LMS shows it, rebuilt on every save (Ctrl-C stops)."""
    from .preview import CannotServe, run
    try:
        run(course_dir, port, open_browser)
    except CannotServe as exc:      # no course folder, or the port is taken
        raise click.UsageError(str(exc)) from exc


@cli.command("exporters")
def list_exporters() -> None:
    """List the installed exporters."""
    from .registry import discover_exporters

    found = discover_exporters()
    width = max([12, *(len(name) for name in found)])     # one column of descriptions
    for name, cls in found.items():
        click.echo(f"{name:{width}} {cls.description}")


@cli.command()
@click.option("--out", "out_dir", default="schema", show_default=True,
              type=click.Path(file_okay=False, path_type=str), help="Folder for the JSON Schema files.")
def schema(out_dir: str) -> None:
    """Write the JSON Schema of every source file kind (for editor completion)."""
    from .jsonschema import source_schemas
    from .registry import discover_exporters
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for kind, document in source_schemas(discover_exporters()).items():
        path = folder / f"{kind}.schema.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(str(path))


def main(argv: list[str] | None = None) -> None:
    try:
        code = cli.main(args=argv, prog_name="coursepack", standalone_mode=False)
    except click.exceptions.Abort:          # Ctrl-C: click turns KeyboardInterrupt into Abort
        echo_err("coursepack: interrupted; no output was changed")
        sys.exit(130)
    except click.ClickException as exc:     # usage errors
        exc.show()
        sys.exit(exc.exit_code)
    except (RegistryError, SourceDateError, OutputFolderError, StarterError) as exc:
        echo_err(f"coursepack: {exc}")
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        echo_err("coursepack: interrupted; no output was changed")
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly, no traceback
        if os.environ.get("COURSEPACK_DEBUG"):
            raise
        echo_err(f"coursepack: internal error: {type(exc).__name__}: {exc}\n"
                 "This is a bug in coursepack; set COURSEPACK_DEBUG=1 to see the traceback and report it.")
        sys.exit(EXIT_INTERNAL)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
