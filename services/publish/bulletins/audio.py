"""A bulletin's sound as MP3 (mono, 44.1 kHz, 96 kbps constant bit rate): encoded from the
work's recording, from the sound track of its video, or from 16-bit samples a voice made.

Blocking (PyAV): callers run these in a worker thread. Loudness is left as recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import av.error
from av.audio.resampler import AudioResampler

SAMPLE_RATE = 44100
BITRATE = 96_000
CHANNELS = 1

# Name the demuxer from the stored type; never let FFmpeg probe its way into another format
# (playlists and concat lists can reach other files).
_DEMUXERS = {
    "video/mp4": "mov",
    "video/quicktime": "mov",
    "audio/mp4": "mov",
    "audio/x-m4a": "mov",
    "audio/aac": "aac",
    "video/webm": "matroska",
    "audio/webm": "matroska",
    "video/x-matroska": "matroska",
    "video/x-msvideo": "avi",
    "video/ogg": "ogg",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/flac": "flac",
}
_OPTIONS = {"protocol_whitelist": "file"}


class NoSoundTrack(Exception):
    """The file has no sound to make a bulletin of."""


class UnreadableAudio(Exception):
    """The file could not be decoded."""


@dataclass(frozen=True)
class Encoded:
    duration_seconds: float
    sample_rate: int
    channels: int
    bitrate: int
    excerpt: bool  # stopped at the maximum length


class Mp3Writer:
    """Encodes audio frames or 16-bit mono samples, at any rate, into one MP3 file."""

    def __init__(self, path: Path, *, max_seconds: float | None = None) -> None:
        self.path = path
        self.max_samples = round(max_seconds * SAMPLE_RATE) if max_seconds else None
        self.samples = 0
        self.excerpt = False
        self._container = av.open(str(path), "w", format="mp3")
        self._stream = self._container.add_stream("libmp3lame", rate=SAMPLE_RATE, layout="mono")
        self._stream.bit_rate = BITRATE
        self._resamplers: dict[tuple[int, str, str], AudioResampler] = {}

    @property
    def full(self) -> bool:
        return self.max_samples is not None and self.samples >= self.max_samples

    def write_frame(self, frame: av.AudioFrame) -> None:
        key = (frame.sample_rate, frame.format.name, frame.layout.name)
        resampler = self._resamplers.get(key)
        if resampler is None:
            resampler = AudioResampler(format="s16p", layout="mono", rate=SAMPLE_RATE)
            self._resamplers[key] = resampler
        frame.pts = None
        for piece in resampler.resample(frame):
            self._encode(piece)

    def write_samples(self, data: bytes, rate: int) -> None:
        """Little-endian signed 16-bit mono samples at ``rate``."""
        step = 4096
        for start in range(0, len(data) // 2, step):
            piece = data[start * 2 : (start + step) * 2]
            frame = av.AudioFrame(format="s16", layout="mono", samples=len(piece) // 2)
            frame.planes[0].update(piece)
            frame.sample_rate = rate
            self.write_frame(frame)
            if self.full:
                return

    def _encode(self, frame: av.AudioFrame) -> None:
        if self.full:
            self.excerpt = True
            return
        if self.max_samples is not None and self.samples + frame.samples > self.max_samples:
            self.excerpt = True
            frame = _head(frame, self.max_samples - self.samples)
        frame.pts = self.samples
        frame.time_base = Fraction(1, SAMPLE_RATE)
        self.samples += frame.samples
        for packet in self._stream.encode(frame):
            self._container.mux(packet)

    def close(self) -> Encoded:
        for resampler in self._resamplers.values():
            for piece in resampler.resample(None):
                self._encode(piece)
        for packet in self._stream.encode(None):
            self._container.mux(packet)
        self._container.close()
        return Encoded(
            duration_seconds=self.samples / SAMPLE_RATE,
            sample_rate=SAMPLE_RATE,
            channels=CHANNELS,
            bitrate=BITRATE,
            excerpt=self.excerpt,
        )

    def __enter__(self) -> Mp3Writer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if error is not None:
            self._container.close()


def _head(frame: av.AudioFrame, count: int) -> av.AudioFrame:
    """The first ``count`` samples of a mono s16p frame."""
    head = av.AudioFrame(format="s16p", layout="mono", samples=count)
    head.planes[0].update(bytes(frame.planes[0])[: count * 2])
    head.sample_rate = frame.sample_rate
    return head


def encode_to_mp3(source: Path, media_type: str, target: Path, *, max_seconds: float) -> Encoded:
    """The first sound track of an audio or video file, as the bulletin's MP3 (at most
    ``max_seconds`` long). Raises NoSoundTrack or UnreadableAudio."""
    base_type = media_type.split(";", 1)[0].strip().lower()
    try:
        with av.open(
            str(source),
            format=_DEMUXERS.get(base_type),
            options=_OPTIONS,
            metadata_errors="replace",
        ) as container:
            tracks = list(container.streams.audio)
            if not tracks:
                raise NoSoundTrack(str(source))
            with Mp3Writer(target, max_seconds=max_seconds) as writer:
                for frame in container.decode(tracks[0]):
                    writer.write_frame(frame)
                    if writer.full:
                        writer.excerpt = True
                        break
                encoded = writer.close()
    except (av.error.FFmpegError, ValueError) as error:
        raise UnreadableAudio(str(error)) from error
    if encoded.duration_seconds <= 0:
        raise UnreadableAudio(f"{source}: no sound could be decoded")
    return encoded


def duration_of(path: Path) -> float:
    """An MP3's duration as a player reads it (the encoder's delay and padding taken off)."""
    with av.open(str(path), format="mp3", options=_OPTIONS) as container:
        if container.duration is None:
            raise UnreadableAudio(f"{path}: no duration")
        return float(container.duration / av.time_base)
