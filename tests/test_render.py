"""Markdown rendering: the plain-text fast path gives exactly what the full parser gives."""

from pathlib import Path

from hypothesis import event, given, settings, strategies as st

from coursepack.labels import CORE_LABELS, resolve_labels
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
    renderer = Renderer(ROOT, resolve_labels("id", (CORE_LABELS,)), trust_html=trust)
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
    renderer = Renderer(ROOT, resolve_labels("id", (CORE_LABELS,)), trust_html=trust)
    fast = renderer.inline(text, PLACE) if inline else renderer.block(text, PLACE)
    assert fast.html == full_render(renderer, text, inline)


def test_fast_path_is_taken_for_ordinary_sentences() -> None:
    for text in ("Menulis paper riset", "Benar (lihat tabel).", "Tepat! Bagus sekali.", 'Kata "model" di sini'):
        assert _PLAIN.fullmatch(text), text
    for text in ("1. daftar", "- butir", "a *b*", "a_b", "<b>x</b>", "![x](y)", "a  ", "# Judul", "x & y"):
        assert not _PLAIN.fullmatch(text), text


# --- audio and video -----------------------------------------------------------------------------

def media_course(tmp_path: Path) -> Path:
    assets = tmp_path / "assets"
    assets.mkdir()
    (assets / "klip.mp4").write_bytes(b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2")
    (assets / "klip.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nHalo.\n", encoding="utf-8")
    (assets / "klip.transcript.md").write_text("Narator: **halo**.\n", encoding="utf-8")
    (assets / "suara.mp3").write_bytes(b"ID3\x04\x00" + bytes(20))
    (assets / "suara.transcript.md").write_text("Pewawancara: apa kabar?\n", encoding="utf-8")
    return tmp_path


def lesson_place() -> Place:
    return Place("modules/01-a/01-b.md", "c/modules/01-a/01-b.md", 6, "a-b", columns=True, media=True)


def test_video_renders_as_a_figure_with_player_captions_caption_and_transcript(tmp_path: Path) -> None:
    renderer = Renderer(media_course(tmp_path), resolve_labels("id", (CORE_LABELS,)), language="id")
    out = renderer.block('![Klip: sapaan](../../assets/klip.mp4 "Video 1. Sapaan")\n', lesson_place())
    assert out.problems == []
    assert out.html == (
        '<figure class="figure media video"><video controls="" preload="metadata" src="assets/klip.mp4" '
        'aria-label="Klip: sapaan" playsinline=""><track kind="captions" src="assets/klip.vtt" srclang="id" '
        'label="Takarir" default=""><a href="assets/klip.mp4">Klip: sapaan</a></video>'
        '<figcaption>Video 1. Sapaan</figcaption><details class="transcript"><summary>Transkrip</summary>\n'
        '<p>Narator: <strong>halo</strong>.</p>\n</details></figure>\n')
    assert [a.path for a in out.assets] == ["assets/klip.mp4", "assets/klip.vtt"]
    assert [a.media_type for a in out.assets] == ["video/mp4", "text/vtt"]


def test_audio_needs_no_captions_and_its_caption_defaults_to_the_alt_text(tmp_path: Path) -> None:
    renderer = Renderer(media_course(tmp_path), resolve_labels("en", (CORE_LABELS,)), language="en")
    out = renderer.block("![Interview with a trainer](../../assets/suara.mp3)\n", lesson_place())
    assert out.problems == []
    assert out.html.startswith('<figure class="figure media audio"><audio controls="" preload="metadata" '
                               'src="assets/suara.mp3" aria-label="Interview with a trainer"><a ')
    assert "<track" not in out.html and "autoplay" not in out.html
    assert "<figcaption>Interview with a trainer</figcaption>" in out.html
    assert "<summary>Transcript</summary>" in out.html and "Pewawancara: apa kabar?" in out.html


def test_raw_html_cannot_add_an_autoplaying_or_unchecked_player(tmp_path: Path) -> None:
    renderer = Renderer(media_course(tmp_path), resolve_labels("en", (CORE_LABELS,)))
    out = renderer.block('<video autoplay src="../../assets/klip.mp4" onplay="x()"></video>\n', lesson_place())
    assert "autoplay" not in out.html and "src=" not in out.html and "onplay" not in out.html
    assert any("removed" in p.message for p in out.problems)
