"""Makes the sample course's short video, its WebVTT captions and its transcript.

The video ``course/assets/empat-peran-llm.mp4`` (CC BY-SA 4.0, like the course) is made here
from nothing but text: Pillow draws the frames, espeak-ng speaks the Indonesian narration, and
ffmpeg encodes H.264 video with AAC sound in MP4 (the pair every browser plays). The caption
cues are timed from the length of each spoken sentence, so captions and speech stay together.

    python docs/media/make_sample_video.py [--out course/assets]

Needs Pillow (in the project's environment), ``espeak-ng``, ``sox`` and ``ffmpeg`` (Debian:
``apt-get install espeak-ng sox ffmpeg``). The files it writes are committed; the build does
not run this.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

NAME = "empat-peran-llm"
WIDTH, HEIGHT, FPS = 640, 360, 12
PAUSE = 0.3                       # seconds of silence after each sentence
FONTS = Path(__file__).resolve().parents[2] / "templates" / "handbook" / "fonts"
ROLES = [("Data Engineer", "menyiapkan data"), ("AI Researcher", "merancang fondasi"),
         ("ML Engineer", "membangun dan melatih"), ("AI Engineer", "membawa ke produk")]
# (sentence spoken and captioned, role highlighted: None for none, -1 for all)
SCRIPT = [
    ("Empat peran di balik sebuah LLM.", None),
    ("Data engineer menyiapkan data.", 0),
    ("AI researcher merancang model.", 1),
    ("ML engineer melatih model.", 2),
    ("AI engineer membawanya ke produk.", 3),
]
INK, MUTED, ACCENT, PAPER, BOX = (24, 39, 64), (92, 106, 128), (13, 110, 122), (248, 250, 252), (226, 232, 240)


def speak(text: str, wav: Path) -> float:
    """Speak ``text`` in Indonesian into ``wav``; its length in seconds."""
    subprocess.run(["espeak-ng", "-v", "id", "-s", "165", "-w", str(wav), text], check=True)
    return float(subprocess.run(["soxi", "-D", str(wav)], check=True, capture_output=True, text=True).stdout)


def frame(highlight: int | None, progress: float) -> Image.Image:
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    title = ImageFont.truetype(str(FONTS / "NotoSans-Bold.ttf"), 26)
    name = ImageFont.truetype(str(FONTS / "NotoSans-Bold.ttf"), 15)
    task = ImageFont.truetype(str(FONTS / "NotoSans-Regular.ttf"), 13)
    draw.text((WIDTH // 2, 40), "Empat peran di balik sebuah LLM", font=title, fill=INK, anchor="mm")
    box_w, gap, top = 132, 20, 96
    left = (WIDTH - 4 * box_w - 3 * gap) // 2
    for k, (role, job) in enumerate(ROLES):
        x = left + k * (box_w + gap)
        on = highlight == -1 or highlight == k
        draw.rounded_rectangle((x, top, x + box_w, top + 128), radius=12, fill=ACCENT if on else BOX,
                               outline=ACCENT, width=3)
        draw.text((x + box_w // 2, top + 26), f"{k + 1}", font=title, fill=PAPER if on else MUTED, anchor="mm")
        draw.text((x + box_w // 2, top + 64), role, font=name, fill=PAPER if on else INK, anchor="mm")
        words = job.split(" ")
        lines = [" ".join(words[:-2]), " ".join(words[-2:])] if len(words) > 2 else words
        for n, text in enumerate(lines):
            draw.text((x + box_w // 2, top + 88 + 17 * n), text, font=task, fill=PAPER if on else MUTED, anchor="mm")
        if k < 3:
            ax = x + box_w + 3
            draw.polygon([(ax, top + 59), (ax + gap - 6, top + 64), (ax, top + 69)], fill=MUTED)
    draw.rectangle((0, HEIGHT - 6, int(WIDTH * progress), HEIGHT), fill=ACCENT)
    return image


def timestamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 60000:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "course" / "assets")
    out = parser.parse_args().out
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        times, start, wavs = [], 0.0, []
        for n, (text, _) in enumerate(SCRIPT):
            wav = work / f"s{n}.wav"
            length = speak(text, wav)
            padded = work / f"p{n}.wav"
            subprocess.run(["sox", str(wav), "-r", "22050", "-c", "1", str(padded), "pad", "0", str(PAUSE)], check=True)
            wavs.append(padded)
            times.append((start, start + length))
            start += length + PAUSE
        total = start
        subprocess.run(["sox", *map(str, wavs), str(work / "speech.wav")], check=True)
        frames = work / "frames"
        frames.mkdir()
        for i in range(round(total * FPS)):
            t = i / FPS
            current = next((h for (a, b), (_, h) in zip(times, SCRIPT) if a <= t < b + PAUSE), SCRIPT[-1][1])
            frame(current, (i + 1) / round(total * FPS)).save(frames / f"{i:04d}.png")
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-framerate", str(FPS), "-i", str(frames / "%04d.png"),
                        "-i", str(work / "speech.wav"), "-c:v", "libx264", "-preset", "veryslow", "-tune", "stillimage",
                        "-crf", "30", "-pix_fmt", "yuv420p", "-profile:v", "main", "-c:a", "aac", "-b:a", "32k",
                        "-ac", "1", "-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact",
                        "-flags:v", "+bitexact", "-flags:a", "+bitexact", "-shortest",
                        str(out / f"{NAME}.mp4")], check=True)
    cues = [f"{n + 1}\n{timestamp(a)} --> {timestamp(b + PAUSE * 0.8)}\n{text}\n"
            for n, ((a, b), (text, _)) in enumerate(zip(times, SCRIPT))]
    (out / f"{NAME}.vtt").write_text("WEBVTT\n\n" + "\n".join(cues), encoding="utf-8")
    shown = ["Judul di layar: *Empat peran di balik sebuah LLM*. Empat kotak bernomor berjajar dari kiri "
             "ke kanan, dihubungkan panah: Data Engineer, AI Researcher, ML Engineer, dan AI Engineer. "
             "Kotak peran yang sedang dibicarakan menyala.", ""]
    said = [f"- {text}" for text, _ in SCRIPT]
    (out / f"{NAME}.transcript.md").write_text(
        "\n".join([*shown, "Narasi:", "", *said, ""]), encoding="utf-8")
    print(f"{out / NAME}.mp4: {total:.1f} s, {(out / f'{NAME}.mp4').stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
