"""Small, valid media for the demo entries of `make up`, made on the spot so that the
repository holds no binary files: a radio piece (WAV) and TV pieces (MP4, H.264 or MPEG-4 with
AAC sound). They carry no tags at all, so the verifier finds nothing identifying in them."""

from __future__ import annotations

import math
import wave
from array import array
from fractions import Fraction
from importlib.resources import files
from pathlib import Path
from typing import cast

import av
from av.audio.stream import AudioStream
from av.video.stream import VideoStream
from PIL import Image, ImageDraw, ImageFont

_FONT_PACKAGE = "fontpkg_be_vietnam_pro"  # a dependency already (judging's PDFs)
_FPS = 25
_AUDIO_RATE = 48_000


def radio_wav(path: Path, seconds: float = 20.0, rate: int = 16_000) -> Path:
    """16-bit mono PCM: a three-note station chime, a tone that rises and falls like a voice
    reading, then silence, as a bulletin ends."""
    chime = (659.25, 783.99, 1046.5)  # E5, G5, C6
    samples = array("h")
    for index in range(round(seconds * rate)):
        t = index / rate
        if t < 1.5:
            note = chime[min(int(t / 0.5), 2)]
            fade = 1.0 - (t % 0.5) / 0.5
            value = 0.5 * fade * math.sin(2 * math.pi * note * t)
        elif t < seconds - 2.0:
            syllable = 0.5 + 0.5 * math.sin(2 * math.pi * 3.0 * t)  # about three per second
            phrase = 0.0 if (t % 4.0) > 3.4 else 1.0  # a breath between phrases
            pitch = 180.0 + 40.0 * math.sin(2 * math.pi * 0.25 * t)
            value = 0.3 * syllable * phrase * math.sin(2 * math.pi * pitch * t)
        else:
            value = 0.0
        samples.append(round(32767 * value))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.tobytes())
    return path


def tv_mp4(
    path: Path,
    caption: str,
    seconds: float = 8.0,
    *,
    width: int = 320,
    height: int = 180,
    tint: tuple[int, int, int] = (30, 110, 90),
) -> Path:
    """Stripes drifting across the picture, a sun that crosses it and a caption bar below,
    with a soft hum as sound."""
    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    bar = _caption_bar(caption, width, height // 5)
    with av.open(str(path), "w", format="mp4") as container:
        video = cast(VideoStream, container.add_stream(codec, rate=_FPS))
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        if codec == "libx264":
            video.options = {"preset": "ultrafast"}
        # Every stream must exist before the first packet is written.
        sound = container.add_stream("aac", rate=_AUDIO_RATE, layout="mono")
        frames = round(seconds * _FPS)
        for index in range(frames):
            picture = _picture(index, frames, width, height, tint)
            picture.paste(bar, (0, height - bar.height), bar)
            frame = av.VideoFrame.from_image(picture)  # type: ignore[no-untyped-call]
            frame = frame.reformat(format="yuv420p")
            frame.pts = index
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
        _hum(container, sound, seconds)
    return path


def _picture(
    index: int, frames: int, width: int, height: int, tint: tuple[int, int, int]
) -> Image.Image:
    picture = Image.new("RGB", (width, height), tint)
    draw = ImageDraw.Draw(picture)
    stripe = 40
    shift = index * 2 % (2 * stripe)
    light = tuple(min(255, c + 35) for c in tint)
    for left in range(-2 * stripe - height, width + height, 2 * stripe):
        x = left + shift
        draw.polygon(
            [(x, 0), (x + stripe, 0), (x + stripe + height, height), (x + height, height)],
            fill=light,
        )
    progress = index / max(frames - 1, 1)
    cx = round(-20 + progress * (width + 40))
    cy = round(height * 0.35 - math.sin(math.pi * progress) * height * 0.15)
    draw.ellipse((cx - 18, cy - 18, cx + 18, cy + 18), fill=(250, 200, 60))
    return picture


def _caption_bar(caption: str, width: int, bar_height: int) -> Image.Image:
    bar = Image.new("RGBA", (width, bar_height), (10, 20, 40, 190))
    draw = ImageDraw.Draw(bar)
    draw.rectangle((0, 0, 5, bar_height), fill=(200, 30, 40, 255))
    draw.text((12, bar_height // 2), caption, font=_font(bar_height // 2), anchor="lm")
    return bar


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = Path(str(files(_FONT_PACKAGE).joinpath("files", "BeVietnamPro-SemiBold.ttf")))
    if not path.is_file():
        return ImageFont.load_default()  # no Vietnamese marks, but still a caption
    return ImageFont.truetype(str(path), size)


def _hum(container: av.container.OutputContainer, stream: AudioStream, seconds: float) -> None:
    count = round(seconds * _AUDIO_RATE)
    pcm = array(
        "h",
        (round(2500 * math.sin(2 * math.pi * 220.0 * i / _AUDIO_RATE)) for i in range(count)),
    ).tobytes()
    block = 1024
    for start in range(0, count, block):
        piece = pcm[start * 2 : (start + block) * 2]
        frame = av.AudioFrame(format="s16", layout="mono", samples=len(piece) // 2)
        frame.planes[0].update(piece)
        frame.sample_rate, frame.pts = _AUDIO_RATE, start
        frame.time_base = Fraction(1, _AUDIO_RATE)
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)
