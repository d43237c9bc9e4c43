"""Moodle's grades: the fractions a question's answers may carry, and numbers as Moodle writes them."""

from __future__ import annotations

from decimal import Decimal


#: Moodle's grade options (question_bank::fraction_options_full), written as Moodle writes them
POSITIVE_FRACTIONS = ("100", "90", "83.33333", "80", "75", "70", "66.66667", "60", "50", "40",
                      "33.33333", "30", "25", "20", "16.66667", "14.28571", "12.5", "11.11111", "10", "5")
FRACTIONS: tuple[tuple[float, str], ...] = tuple(sorted(
    [(float(f), f) for f in POSITIVE_FRACTIONS] + [(-float(f), f"-{f}") for f in POSITIVE_FRACTIONS]
    + [(0.0, "0")]))
FRACTION_TOLERANCE = 0.001          # percent; Moodle matches grades within 0.00001 of a fraction
_FRACTION_BY_MILLI = {round(value * 1000): (value, text) for value, text in FRACTIONS}


def fraction_text(weight: float) -> str | None:
    """Moodle's exact spelling of the grade ``weight`` (percent), or None when it has none."""
    key = round(weight * 1000)
    for k in (key, key - 1, key + 1):
        found = _FRACTION_BY_MILLI.get(k)
        if found is not None and abs(found[0] - weight) <= FRACTION_TOLERANCE:
            return found[1]
    return None


def nearest_fractions(weight: float) -> str:
    """The allowed grades either side of ``weight``, e.g. ``40 or 50``."""
    below = [t for v, t in FRACTIONS if v < weight]
    above = [t for v, t in FRACTIONS if v > weight]
    return " or ".join(([below[-1]] if below else []) + ([above[0]] if above else []))


def number_text(value: float) -> str:
    """A float in plain decimal notation that reads back exactly (no exponent)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text


def grade_text(value: float) -> str:
    return f"{value:.7f}"


GRADES_HELP = ("Moodle's grades are 0, ±5, ±10, ±11.11111, ±12.5, ±14.28571, ±16.66667, ±20, ±25, ±30, "
               "±33.33333, ±40, ±50, ±60, ±66.66667, ±70, ±75, ±80, ±83.33333, ±90 and ±100")
