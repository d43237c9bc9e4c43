"""Colours of the branding: WCAG 2 contrast, the tints the pages derive, and a readable shade to suggest."""

from __future__ import annotations

#: WCAG 2.x AA: normal text needs 4.5:1 with its background
TEXT_CONTRAST = 4.5
WHITE = "#ffffff"
#: the lightest backgrounds the accent colour is printed on as text, besides its own tint:
#: the SCORM page wash and white
BACKGROUNDS = ("#ffffff", "#f5f7fa")


def normalise(colour: str) -> str:
    """'#ABC' or '#AABBCC' → '#aabbcc'."""
    digits = colour.lstrip("#").lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def channels(colour: str) -> tuple[int, int, int]:
    digits = normalise(colour)[1:]
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def hex_colour(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def luminance(colour: str) -> float:
    """Relative luminance (WCAG 2)."""
    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """Contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def tint(colour: str, share: float) -> str:
    """``colour`` mixed with white: ``share`` of the colour (0–1)."""
    return hex_colour(tuple(255 - (255 - c) * share for c in channels(colour)))


def accent_tint(accent: str) -> str:
    """The pale background the pages put behind accent-coloured text (current page, callouts)."""
    return tint(accent, 0.08)


def weakest_contrast(accent: str) -> float:
    """The accent's lowest contrast with any background it is printed on (white text on it included)."""
    return min(contrast(accent, bg) for bg in (*BACKGROUNDS, accent_tint(accent)))


def readable_shade(accent: str) -> str:
    """The lightest darker shade of ``accent`` (same hue) that reaches ``TEXT_CONTRAST`` everywhere."""
    r, g, b = channels(accent)
    for step in range(100, -1, -1):
        shade = hex_colour((r * step / 100, g * step / 100, b * step / 100))
        if weakest_contrast(shade) >= TEXT_CONTRAST:
            return shade
    return "#000000"
