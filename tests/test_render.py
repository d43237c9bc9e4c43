"""Markdown rendering: the plain-text fast path gives exactly what the full parser gives."""

from pathlib import Path

from hypothesis import event, given, settings, strategies as st

from coursepack.labels import labels_for
from coursepack.render import _PLAIN, Place, Rendered, Renderer

ROOT = Path(__file__).parent / "fixtures" / "courses" / "mini"
PLACE = Place("modules/01-dasar/quiz.yaml", "quiz.yaml", 1, "q")


def full_render(renderer: Renderer, text: str, inline: bool) -> str:
    """Render through markdown-it (and the sanitizer), bypassing the fast path."""
    env = {"docId": PLACE.doc_id}
    tokens = renderer.md.parseInline(text, env) if inline else renderer.md.parse(text, env)
    html = renderer.md.renderer.render(tokens, renderer.md.options, env)
    return html if renderer.trust_html else renderer._sanitize(html, {})


ALPHABET = st.sampled_from(list("aZéß9 ,.;:?!'\"()/%=+-*_[]<>&#`\\|~$") + ["ü", "中", "\u0301"])
PLAIN = st.from_regex(_PLAIN, fullmatch=True)


@st.composite
def near_plain(draw) -> str:
    """Plain text (the fast path's own language) with 0 to 2 characters of the wider alphabet
    put in or swapped in at random places: about half of these texts are still plain, the
    others are one or two characters off, where the fast path must give way to the parser."""
    text = list(draw(PLAIN))
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(text)))
        character = draw(ALPHABET)
        if at < len(text) and draw(st.booleans()):
            text[at] = character
        else:
            text.insert(at, character)
    return "".join(text)


def render_watching_the_parser(renderer: Renderer, text: str, inline: bool) -> tuple[Rendered, bool]:
    """What the renderer gives for ``text``, and whether it ran markdown-it to make it."""
    parsed: list[str] = []
    md = renderer.md
    for name in ("parse", "parseInline"):
        method = getattr(md, name)
        setattr(md, name, lambda *args, _method=method, **kwargs: parsed.append(text) or _method(*args, **kwargs))
    try:
        rendered = renderer.inline(text, PLACE) if inline else renderer.block(text, PLACE)
    finally:
        del md.parse, md.parseInline          # the class's methods again
    return rendered, bool(parsed)


@settings(max_examples=400, derandomize=True)
@given(text=near_plain(), inline=st.booleans(), trust=st.booleans())
def test_fast_path_matches_the_parser(text: str, inline: bool, trust: bool) -> None:
    """The fast path is taken exactly for plain text, and then gives the parser's HTML; a text it
    leaves to the parser that reports nothing and has no heading also comes out as the parser's
    HTML (``--hypothesis-show-statistics`` counts the texts each path took)."""
    renderer = Renderer(ROOT, labels_for("id"), trust_html=trust)
    plain = _PLAIN.fullmatch(text) is not None
    rendered, parsed = render_watching_the_parser(renderer, text, inline)
    assert parsed is not plain
    if plain or not (rendered.problems or rendered.headings):
        event("fast path" if plain else "parser, same HTML")
        assert rendered.html == full_render(renderer, text, inline)
    else:
        event("parser, with problems or headings")


@settings(max_examples=400, derandomize=True)
@given(text=PLAIN, inline=st.booleans(), trust=st.booleans())
def test_fast_path_matches_the_parser_on_plain_text(text: str, inline: bool, trust: bool) -> None:
    renderer = Renderer(ROOT, labels_for("id"), trust_html=trust)
    fast = renderer.inline(text, PLACE) if inline else renderer.block(text, PLACE)
    assert fast.html == full_render(renderer, text, inline)


def test_fast_path_is_taken_for_ordinary_sentences() -> None:
    for text in ("Menulis paper riset", "Benar (lihat tabel).", "Tepat! Bagus sekali.", 'Kata "model" di sini'):
        assert _PLAIN.fullmatch(text), text
    for text in ("1. daftar", "- butir", "a *b*", "a_b", "<b>x</b>", "![x](y)", "a  ", "# Judul", "x & y"):
        assert not _PLAIN.fullmatch(text), text
