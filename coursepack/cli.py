"""The ``coursepack`` command.

Exit status: 0 success; 1 the course source is invalid or an output failed its check;
2 usage error (unknown option or exporter, bad SOURCE_DATE_EPOCH, broken plug-in);
3 internal error (a bug: please report it). Never a traceback unless COURSEPACK_DEBUG=1.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import click

from . import __version__
from .build import SourceDateError, run_exporter
from .load import load_course
from .problems import Problem, errors_in, format_problems_json, sort_problems
from .registry import RegistryError, discover_exporters, select_exporters

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
    available = discover_exporters()
    chosen = select_exporters(exporter_names or ["all"], available)
    course, problems = load_course(Path(course_dir), available, display_root=course_dir)
    if course is not None:
        for cls in chosen:
            problems += cls().preflight(course, course.options.get(cls.name) or cls.Options())
    return course, problems, chosen


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coursepack")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@click.pass_context
def cli(ctx: click.Context, quiet: bool) -> None:
    """Turn one course source into SCORM packages, a Moodle question bank and a PDF handbook."""
    ctx.obj = {"quiet": quiet}


@cli.command()
@course_option
@strict_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Problem output format (json goes to standard output).")
@click.pass_context
def validate(ctx: click.Context, course_dir: str, strict: bool, fmt: str) -> None:
    """Check the course source and report every problem at once."""
    quiet = ctx.obj["quiet"]
    course, problems, _ = load_and_preflight(course_dir, None)
    failed = report(problems, strict, fmt, quiet)
    if course is not None and not failed and fmt == "text" and not quiet:
        echo_err(f"{course.id}: {len(course.modules)} modules, {len(course.lessons)} lessons, "
                 f"{len(course.questions)} questions, {len(course.outcomes)} outcomes")
    ctx.exit(EXIT_INVALID if failed else 0)


@cli.command()
@click.argument("names", nargs=-1, required=True)
@course_option
@click.option("--out", "out_dir", default="build", show_default=True,
              type=click.Path(file_okay=False, path_type=str), help="Output folder.")
@strict_option
@click.pass_context
def build(ctx: click.Context, names: tuple[str, ...], course_dir: str, out_dir: str, strict: bool) -> None:
    """Validate, then build the outputs of the named exporters ('all' for every one)."""
    quiet = ctx.obj["quiet"]
    course, problems, chosen = load_and_preflight(course_dir, list(names))
    if report(problems, strict, "text", True) or course is None:
        echo_err("nothing was built: fix the problems above and run again")
        ctx.exit(EXIT_INVALID)
    failed = False
    for cls in chosen:
        started = time.perf_counter()
        if not quiet:
            echo_err(f"building {cls.name} …")
        result = run_exporter(cls, course, Path(out_dir), lambda msg, n=cls.name: echo_err(f"{n}: warning: {msg}"))
        for problem in result.problems:
            echo_err(problem.format())
        if not result.paths:
            failed = True
            echo_err(f"{cls.name}: FAILED — its output did not pass the check; the previous output (if any) "
                     "is unchanged")
            continue
        if not quiet:
            for path in result.paths:
                echo_err(f"  {path}  ({path.stat().st_size:,} bytes, {time.perf_counter() - started:.1f} s)")
    ctx.exit(EXIT_INVALID if failed else 0)


@cli.command("exporters")
def list_exporters() -> None:
    """List the installed exporters."""
    for name, cls in discover_exporters().items():
        click.echo(f"{name:12} {cls.description}")


@cli.command()
@click.option("--out", "out_dir", default="schema", show_default=True,
              type=click.Path(file_okay=False, path_type=str), help="Folder for the JSON Schema files.")
def schema(out_dir: str) -> None:
    """Write the JSON Schema of every source file kind (for editor completion)."""
    from .jsonschema import source_schemas
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    for kind, document in source_schemas(discover_exporters()).items():
        path = folder / f"{kind}.schema.json"
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(str(path))


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="coursepack", standalone_mode=True)
    except (RegistryError, SourceDateError) as exc:
        echo_err(f"coursepack: {exc}")
        sys.exit(EXIT_USAGE)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        echo_err("coursepack: interrupted; no output was changed")
        sys.exit(130)
    except Exception as exc:  # a bug: say so plainly, no traceback
        if os.environ.get("COURSEPACK_DEBUG"):
            raise
        echo_err(f"coursepack: internal error: {type(exc).__name__}: {exc}\n"
                 "This is a bug in coursepack; set COURSEPACK_DEBUG=1 to see the traceback and report it.")
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
