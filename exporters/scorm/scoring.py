"""What the runtime scores: each question's scoring key in the page's data, the interactions'
correct-response patterns in the edition's format, and numbers as the package writes them."""

from __future__ import annotations

import re
from typing import Any, assert_never

from coursepack.model import (AnyQuestion, Essay, Matching, MultipleChoice, Numerical, ShortAnswer,
                              SingleChoice, TrueFalse)

#: the interactions' response identifiers: one character per matching left side, per choice
LEFT_KEYS = "123456789abcdefghijklmnopqrstuvwxyz"
CHOICE_KEYS = "abcdefghijklmnopqrstuvwxyz0123456789"


def format_number(value: float) -> str:
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def question_data(q: AnyQuestion, outcome_index: dict[str, int], quiz_index: int,
                  edition: str) -> dict[str, Any]:
    """The scoring key of one question for the runtime (this is a self-study package)."""
    data: dict[str, Any] = {"id": q.id, "k": q.kind, "p": q.points, "z": quiz_index,
                            "o": [outcome_index[o.id] for o in q.outcomes if o.id in outcome_index]}
    match q:
        case SingleChoice() | MultipleChoice():
            if q.shuffle:
                data["sh"] = 1          # runtime.js orders the choices per learner and attempt
            data["w"] = [c.weight for c in q.choices]
        case TrueFalse():
            data["a"] = bool(q.answer)
        case ShortAnswer():
            data["a"] = [[a.text, a.weight] for a in q.text_answers]
            data["cs"] = q.case_sensitive
        case Numerical():
            data["a"] = [[a.value, a.tolerance, a.weight] for a in q.number_answers]
            data["u"] = [u.multiplier for u in q.units]
        case Matching():
            if q.shuffle:
                data["sh"] = 1
            rights = q.rights
            data["c"] = [rights.index(p.right) for p in q.pairs]
            data["r"] = len(rights)
        case Essay():
            pass
        case _:
            assert_never(q)
    data["cr"] = correct_patterns(q, edition)
    return data


def correct_patterns(q: AnyQuestion, edition: str) -> list[str]:
    """The interaction's correct-response patterns in the edition's format."""
    is2004 = edition == "scorm2004"
    comma = "[,]" if is2004 else ","
    match q:
        case SingleChoice():
            return [CHOICE_KEYS[i] for i, c in enumerate(q.choices) if c.weight >= 100][:1] or \
                [CHOICE_KEYS[max(range(len(q.choices)), key=lambda i: q.choices[i].weight)]]
        case MultipleChoice():
            return [comma.join(CHOICE_KEYS[i] for i, c in enumerate(q.choices) if c.weight > 0)]
        case TrueFalse():
            return [("true" if q.answer else "false") if is2004 else ("t" if q.answer else "f")]
        case ShortAnswer():
            best = [a for a in q.text_answers if a.weight >= 100] or \
                [max(q.text_answers, key=lambda a: a.weight)]
            if is2004:
                flag = "true" if q.case_sensitive else "false"
                return [f"{{case_matters={flag}}}{clean_response(a.text, 250)}" for a in best[:10]]
            return [clean_response(a.text, 255) for a in best[:1]]
        case Numerical():
            best = max(q.number_answers, key=lambda a: a.weight)
            if is2004:
                return [f"{format_number(best.value - best.tolerance)}[:]{format_number(best.value + best.tolerance)}"]
            return [format_number(best.value)]
        case Matching():
            rights = q.rights
            dot = "[.]" if is2004 else "."
            return [comma.join(f"{LEFT_KEYS[i]}{dot}{CHOICE_KEYS[rights.index(p.right)]}"
                               for i, p in enumerate(q.pairs))]
        case Essay():
            return []
        case _:
            assert_never(q)


def clean_response(text: str, limit: int) -> str:
    """Text as an LMS accepts it in a response: one line, no SCORM delimiters, capped."""
    one_line = re.sub(r"\s+", " ", text).replace("[,]", ",").replace("[.]", ".").replace("[:]", ":")
    if one_line.startswith("{"):
        one_line = " " + one_line
    return one_line[:limit]
