"""The suspend_data budget: how much the runtime may save of a SCO's progress and answers, and
the worst case of its encoding (see ``runtime.js``), which preflight compares with the edition's
limit."""

from __future__ import annotations

from typing import assert_never

from coursepack.model import (AnyQuestion, Essay, Matching, MultipleChoice, Numerical, ShortAnswer,
                              SingleChoice, TrueFalse)

from .plan import Sco

# What the runtime keeps of free-text answers in suspend_data (UTF-16 code units as JS counts
# them, of the escaped text: a '~', line break or tab takes two). The page enforces the same
# limits with maxlength where it can.
SHORT_ANSWER_CAP = 100      # shortanswer input maxlength
NUMBER_CAP = 32             # numerical input maxlength
ESSAY_CAP = 500             # essays: only the first 500 characters are kept for resuming
SUSPEND_VERSION = "3"       # runtime.js reads "3" and the older "2" and "1"
MAX_CHOICES = 36            # one base-36 character per choice/pair in the encodings
MAX_ATTEMPTS = 35           # one base-36 character per quiz for its attempt number


def base36_len(n: int) -> int:
    digits = 1
    while n >= 36:
        n //= 36
        digits += 1
    return digits


def text_field_size(cap: int) -> int:
    """An escaped text of at most ``cap`` characters, then its end mark '~.'."""
    return cap + 2


def answer_worst_case(q: AnyQuestion) -> int:
    """Largest encoding of one answer in suspend_data (see runtime.js, encodeAnswer)."""
    match q:
        case SingleChoice() | TrueFalse():
            return 1
        case MultipleChoice():
            return max(1, -(-len(q.choices) // 4))
        case Matching():
            return max(1, len(q.pairs))
        case Numerical():
            return 1 + text_field_size(NUMBER_CAP)
        case ShortAnswer():
            return text_field_size(SHORT_ANSWER_CAP)
        case Essay():
            return text_field_size(ESSAY_CAP)
        case _:
            assert_never(q)


def suspend_worst_case(sco: Sco) -> int:
    """Largest suspend_data the runtime can write for ``sco`` (exact for the encoding).

    ``V L . visited . submitted . attempts . answers``: version (one character), location as base 36,
    a hex bitmap of visited pages, a hex bitmap of submitted quizzes, each quiz's attempt number
    (one base-36 digit), then every answer in SCO order.
    """
    pages = sco.page_count
    header = len(SUSPEND_VERSION) + base36_len(max(pages - 1, 0)) + 1 + max(1, -(-pages // 4)) \
        + 1 + max(1, -(-sco.quiz_count // 4)) + 1 + sco.quiz_count + 1
    return header + sum(answer_worst_case(q) for q in sco.questions)
