"""Markdown rendering: the plain-text fast path gives exactly what the full parser gives."""

from pathlib import Path

from hypothesis import given, settings, strategies as st

from coursepack.labels import labels_for
from coursepack.render import _PLAIN, Place, Renderer

ROOT = Path(__file__).parent / "fixtures" / "courses" / "mini"
PLACE = Place("modules/01-dasar/quiz.yaml", "quiz.yaml", 1, "q")


def full_render(renderer: Renderer, text: str, inline: bool) -> str:
    """Render through markdown-it (and the sanitizer), bypassing the fast path."""
    env = {"docId": PLACE.doc_id}
    tokens = renderer.md.parseInline(text, env) if inline else renderer.md.parse(text, env)
    html = renderer.md.renderer.render(tokens, renderer.md.options, env)
    return html if renderer.trust_html else renderer._sanitize(html, {})


ALPHABET = st.sampled_from(list("aZéß9 ,.;:?!'\"()/%=+-*_[]<>&#`\\|~$") + ["ü", "中", "\u0301"])


@settings(max_examples=400, derandomize=True)
@given(text=st.text(alphabet=ALPHABET, min_size=1, max_size=30), inline=st.booleans(),
       trust=st.booleans())
def test_fast_path_matches_the_parser(text: str, inline: bool, trust: bool) -> None:
    renderer = Renderer(ROOT, labels_for("id"), trust_html=trust)
    if _PLAIN.fullmatch(text):
        fast = renderer.inline(text, PLACE) if inline else renderer.block(text, PLACE)
        assert fast.html == full_render(renderer, text, inline)


@settings(max_examples=400, derandomize=True)
@given(text=st.from_regex(_PLAIN, fullmatch=True), inline=st.booleans(), trust=st.booleans())
def test_fast_path_matches_the_parser_on_plain_text(text: str, inline: bool, trust: bool) -> None:
    renderer = Renderer(ROOT, labels_for("id"), trust_html=trust)
    fast = renderer.inline(text, PLACE) if inline else renderer.block(text, PLACE)
    assert fast.html == full_render(renderer, text, inline)


def test_fast_path_is_taken_for_ordinary_sentences() -> None:
    for text in ("Menulis paper riset", "Benar (lihat tabel).", "Tepat! Bagus sekali.", 'Kata "model" di sini'):
        assert _PLAIN.fullmatch(text), text
    for text in ("1. daftar", "- butir", "a *b*", "a_b", "<b>x</b>", "![x](y)", "a  ", "# Judul", "x & y"):
        assert not _PLAIN.fullmatch(text), text
