"""Schema validation of one parsed file: pydantic errors → located, actionable problems."""

from __future__ import annotations

import difflib
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .problems import Problem, error
from .schema import PATTERN_HELP
from .sources import Loc, YamlDoc

M = TypeVar("M", bound=BaseModel)


def validate_doc(doc: YamlDoc, model: type[M], what: str) -> tuple[M | None, list[Problem]]:
    """Validate ``doc.data`` against ``model``; ``what`` names the file kind for messages."""
    if doc.data is None:
        extra = " (or delete the file if the module has no quiz)" if what == "quiz.yaml" else ""
        return None, [error(doc.path, 1 + doc.line_offset, 1, f"{what} is empty: "
                            f"{expected_shape(model)}{extra}")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    # 'titel' reported as "did you mean 'title'?" covers the missing 'title' too
    renamed = set()
    for e in errors:
        loc = strip_tags(doc, tuple(e["loc"]))
        if e["type"] == "extra_forbidden" and loc:
            close = difflib.get_close_matches(str(loc[-1]), fields_at(model, doc.data, loc[:-1]),
                                              n=1, cutoff=0.6)
            renamed.update(loc[:-1] + (c,) for c in close)
    return None, [describe_error(doc, model, e) for e in errors
                  if not (e["type"] == "missing" and strip_tags(doc, tuple(e["loc"])) in renamed)]


def expected_shape(model: type[BaseModel]) -> str:
    fields = getattr(model, "model_fields", {})
    if "root" in fields:
        return "write a list of entries, each starting with '- '"
    required = [name for name, f in fields.items() if f.is_required()]
    if len(required) == 1:
        return f"write at least '{required[0]}: …'"
    return ("write at least these keys: " + ", ".join(required)) if required else "write 'key: value' lines"


def describe_value(value: Any) -> str:
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "…"
        return f"the text {shown!r}"
    if isinstance(value, list):
        return f"a list of {len(value)} item(s)"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def fields_at(model: type[BaseModel], data: Any, loc: Loc) -> list[str]:
    """The known keys of the mapping at ``loc`` (for 'did you mean')."""
    current: Any = model
    value = data
    for step in loc:
        annotation = None
        if isinstance(step, int):
            value = value[step] if isinstance(value, list) and step < len(value) else None
            continue
        if isinstance(value, dict) and step in value:
            fields = getattr(current, "model_fields", None)
            if fields and step in fields:
                annotation = fields[step].annotation
            current = _model_in(annotation, value.get(step))
            value = value.get(step)
        else:
            continue
    fields = getattr(current, "model_fields", None) if isinstance(current, type) else None
    return list(fields) if fields else []


def _model_in(annotation: Any, value: Any) -> Any:
    """The pydantic model inside an annotation like list[Model] or a tagged union."""
    from typing import get_args
    stack = [annotation]
    candidates = []
    while stack:
        a = stack.pop()
        if isinstance(a, type) and issubclass(a, BaseModel):
            candidates.append(a)
        else:
            stack.extend(get_args(a))
    if isinstance(value, list) and value:
        value = value[0]
    if isinstance(value, dict) and "type" in value:
        for c in candidates:
            t = c.model_fields.get("type")
            if t is not None and value["type"] in get_args(t.annotation):
                return c
    return candidates[0] if candidates else None


def strip_tags(doc: YamlDoc, loc: Loc) -> Loc:
    """Remove pydantic's union tags (e.g. 'single') from a location path."""
    clean: list[str | int] = []
    value = doc.data
    for step in loc:
        if isinstance(step, str) and not (isinstance(value, dict) and step in value):
            if isinstance(value, dict) and value.get("type") == step:
                continue
            if step.startswith(("function-", "list[", "dict[", "literal[")):
                continue
        clean.append(step)
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and step < len(value):
            value = value[step]
        else:
            value = None
    return tuple(clean)


def describe_error(doc: YamlDoc, model: type[BaseModel], e: dict) -> Problem:
    loc = strip_tags(doc, tuple(e["loc"]))
    kind = e["type"]
    value = e.get("input")
    ctx = e.get("ctx") or {}
    key = next((s for s in reversed(loc) if isinstance(s, str)), None)
    name = f"'{key}'" if key else "the value"
    line, col = doc.locate(loc, key=kind == "extra_forbidden")

    if kind == "extra_forbidden":
        known = fields_at(model, doc.data, loc[:-1])
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        if close:
            msg = f"unknown key '{key}' — did you mean '{close[0]}'?"
        else:
            msg = f"unknown key '{key}'; expected one of: {', '.join(known)}" if known else f"unknown key '{key}'"
    elif kind == "missing":
        msg = f"missing required key '{key}': add '{key}: …'" + (" to this entry" if len(loc) > 1 else "")
        line, col = doc.locate(loc[:-1])
    elif kind in ("string_type",):
        msg = f"{name} must be text, but it is {describe_value(value)}"
        if isinstance(value, bool):
            msg += " (YAML reads yes/no/on/off/true/false as booleans): put it in quotes"
        elif isinstance(value, (int, float)):
            msg += f": put it in quotes, e.g. \"{value}\""
    elif kind in ("int_type", "int_parsing", "int_from_float", "float_type", "float_parsing"):
        whole = "a whole number" if kind.startswith("int") else "a number"
        msg = f"{name} must be {whole}, but it is {describe_value(value)}"
    elif kind in ("bool_type", "bool_parsing"):
        msg = f"{name} must be true or false, but it is {describe_value(value)}"
    elif kind == "list_type":
        msg = f"{name} must be a list (items starting with '- ' or [a, b]), but it is {describe_value(value)}"
    elif kind in ("dict_type", "model_type", "model_attributes_type"):
        msg = f"{name} must be a mapping of 'key: value' lines, but it is {describe_value(value)}"
    elif kind == "string_pattern_mismatch":
        help_ = PATTERN_HELP.get(ctx.get("pattern"), f"text matching {ctx.get('pattern')}")
        msg = f"{name} must be {help_}; got {value!r}"
    elif kind in ("string_too_short",):
        msg = f"{name} must not be empty"
    elif kind == "string_too_long":
        msg = f"{name} is too long: at most {ctx.get('max_length')} characters, got {len(value)}"
    elif kind == "too_short":
        msg = (f"{name} needs at least {ctx.get('min_length')} item(s), "
               f"got {ctx.get('actual_length', 0)}: add more")
    elif kind == "too_long":
        msg = f"{name} allows at most {ctx.get('max_length')} item(s), got {ctx.get('actual_length')}"
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        sign = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<", "less_than_equal": "≤"}[kind]
        bound = next(iter(ctx.values()), "")
        shown = f"{bound:g}" if isinstance(bound, float) else bound
        msg = f"{name} must be {sign} {shown}, but it is {value}"
    elif kind == "literal_error":
        allowed = ctx.get("expected", "")
        options = [o.strip().strip("'") for o in allowed.replace(" or ", ", ").split(",")]
        close = difflib.get_close_matches(str(value), options, n=1, cutoff=0.5)
        msg = f"{name} must be one of {allowed}, but it is {describe_value(value)}"
        if close:
            msg += f" — did you mean '{close[0]}'?"
    elif kind == "union_tag_invalid":
        options = [o.strip().strip("'") for o in str(ctx.get("expected_tags", "")).split(",")]
        tag = ctx.get("tag")
        close = difflib.get_close_matches(str(tag), options, n=1, cutoff=0.5)
        msg = f"unknown question type '{tag}'"
        msg += f" — did you mean '{close[0]}'?" if close else f"; expected one of: {', '.join(options)}"
        line, col = doc.locate(loc + ("type",))
    elif kind == "union_tag_not_found":
        msg = ("missing required key 'type': add 'type: …' with one of single, multiple, truefalse, "
               "shortanswer, numerical, matching, essay")
    elif kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        msg = f"{name} must be a date written YYYY-MM-DD, but it is {describe_value(value)}"
    elif kind == "finite_number":
        msg = f"{name} must be a finite number, but it is {value}"
    else:
        msg = f"{name}: {e['msg']}"
    return error(doc.path, line, col, msg)
