"""A bulletin's script read aloud, offline: espeak-ng (bundled by ``espeakng-loader``) through
ctypes, or a better engine configured by path (``tts_command`` with {text} and {wav}).

A long text is read in pieces between sentences, each piece encoded into the MP3 as soon as
it is read, so memory stays bounded. Blocking: callers run ``speak_to_mp3`` in a worker
thread. The espeak-ng library keeps global state and is not thread-safe: one lock.
"""

from __future__ import annotations

import ctypes
import shlex
import subprocess
import threading
from pathlib import Path
from typing import Any

import av
import av.error

from ..domain.bulletins import speech_chunks
from .audio import Encoded, Mp3Writer

AUDIO_OUTPUT_SYNCHRONOUS = 2
INITIALIZE_DONT_EXIT = 0x8000
CHARS_UTF8 = 1
END_PAUSE = 0x1000
COMMAND_TIMEOUT_SECONDS = 120.0  # one piece of text (at most ~600 characters)

_Callback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class SpeechFailed(Exception):
    """The voice could not read the text (no such voice, the engine failed)."""


class SpeechTimedOut(SpeechFailed):
    """The configured engine took too long (may work later)."""


class _Espeak:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._lib: ctypes.CDLL | None = None
        self._rate = 0
        self._collected = bytearray()
        self._callback = _Callback(self._receive)  # kept alive as long as the library uses it

    def _receive(self, wav: Any, count: int, _events: Any) -> int:
        if count > 0 and wav:
            self._collected.extend(ctypes.string_at(wav, count * 2))
        return 0

    def _load(self) -> ctypes.CDLL:
        if self._lib is None:
            import espeakng_loader

            lib = ctypes.CDLL(espeakng_loader.get_library_path())
            lib.espeak_Initialize.argtypes = [
                ctypes.c_int,
                ctypes.c_int,
                ctypes.c_char_p,
                ctypes.c_int,
            ]
            lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
            lib.espeak_Synth.argtypes = [
                ctypes.c_void_p,
                ctypes.c_size_t,
                ctypes.c_uint,
                ctypes.c_int,
                ctypes.c_uint,
                ctypes.c_uint,
                ctypes.c_void_p,
                ctypes.c_void_p,
            ]
            data = espeakng_loader.get_data_path().encode()
            rate = lib.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 500, data, INITIALIZE_DONT_EXIT)
            if rate <= 0:
                raise SpeechFailed("espeak-ng could not start")
            lib.espeak_SetSynthCallback(self._callback)
            self._lib, self._rate = lib, rate
        return self._lib

    def read(self, pieces: list[str], voice: str, writer: Mp3Writer) -> None:
        with self.lock:
            lib = self._load()
            if lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise SpeechFailed(f"espeak-ng has no voice {voice!r}")
            for piece in pieces:
                self._collected = bytearray()
                text = piece.encode()
                buffer = ctypes.create_string_buffer(text)
                flags = CHARS_UTF8 | END_PAUSE
                if lib.espeak_Synth(buffer, len(text) + 1, 0, 0, 0, flags, None, None) != 0:
                    raise SpeechFailed("espeak-ng could not read the text")
                lib.espeak_Synchronize()
                writer.write_samples(bytes(self._collected), self._rate)
                self._collected = bytearray()
                if writer.full:
                    return


_ESPEAK = _Espeak()


def _run_command(command: str, piece: str, folder: Path, index: int) -> Path:
    text_file = folder / f"tts-{index}.txt"
    wav = folder / f"tts-{index}.wav"
    text_file.write_text(piece, encoding="utf-8")
    args = [
        part.replace("{text}", str(text_file)).replace("{wav}", str(wav))
        for part in shlex.split(command)
    ]
    try:
        finished = subprocess.run(
            args, capture_output=True, timeout=COMMAND_TIMEOUT_SECONDS, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise SpeechTimedOut(
            f"{args[0]} took longer than {COMMAND_TIMEOUT_SECONDS:.0f} s"
        ) from error
    except OSError as error:
        raise SpeechFailed(f"{args[0]}: {error.strerror or error}") from error
    if finished.returncode != 0 or not wav.exists() or wav.stat().st_size == 0:
        said = finished.stderr.decode("utf-8", "replace").strip()[-300:]
        raise SpeechFailed(f"{args[0]} exited with {finished.returncode}: {said}")
    return wav


def _read_with_command(command: str, pieces: list[str], folder: Path, writer: Mp3Writer) -> None:
    for index, piece in enumerate(pieces):
        wav = _run_command(command, piece, folder, index)
        try:
            with av.open(str(wav), format="wav", options={"protocol_whitelist": "file"}) as inp:
                if not inp.streams.audio:
                    raise SpeechFailed("the engine's WAV has no sound")
                for frame in inp.decode(inp.streams.audio[0]):
                    writer.write_frame(frame)
        except av.error.FFmpegError as error:
            raise SpeechFailed(f"the engine's WAV cannot be read: {error}") from error
        finally:
            wav.unlink(missing_ok=True)
        if writer.full:
            return


def command_problems(command: str) -> list[str]:
    """What is wrong with a configured engine's command line."""
    try:
        parts = shlex.split(command)
    except ValueError as error:
        return [f"tts_command: {error}"]
    if not parts:
        return ["tts_command is empty"]
    if not any("{wav}" in p for p in parts) or not any("{text}" in p for p in parts):
        return ["tts_command needs both {text} and {wav}"]
    return []


def speak_to_mp3(
    text: str,
    target: Path,
    *,
    voice: str,
    command: str | None,
    workdir: Path,
    max_seconds: float,
) -> Encoded:
    """Read ``text`` aloud into an MP3 at ``target``. Raises SpeechFailed."""
    pieces = speech_chunks(text)
    if not pieces:
        raise SpeechFailed("nothing to read")
    if command:
        problems = command_problems(command)
        if problems:
            raise SpeechFailed("; ".join(problems))
    with Mp3Writer(target, max_seconds=max_seconds) as writer:
        if command:
            _read_with_command(command, pieces, workdir, writer)
        else:
            _ESPEAK.read(pieces, voice, writer)
        encoded = writer.close()
    if encoded.duration_seconds <= 0:
        raise SpeechFailed("the voice produced no sound")
    return encoded
