"""The speech engine: espeak-ng started as a subprocess, one utterance at a time.

``Speaker.say`` is a coroutine: the App awaits it in a worker, so the screen never waits for
the voice. A new utterance or ``stop()`` ends the one under way. With ``KIOSK_SPEECH_DIR``
set, every utterance is written there as a WAV file (``espeak-ng -w``) instead of played:
tests and technicians hear what a screen says without speakers.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ENGINE = "espeak-ng"
OUT_DIR_ENV = "KIOSK_SPEECH_DIR"
# The espeak-ng voice of each visitor language (Debian 12's espeak-ng-data has them all).
VOICES = {"lt": "lt", "en": "en-gb", "ru": "ru", "uk": "uk", "pl": "pl"}
VOLUME_RANGE = (0, 200)  # espeak-ng -a: 100 is its normal loudness
RATE_RANGE = (80, 300)  # espeak-ng -s: words a minute; 175 is its default, slow is kinder
_TAG = re.compile(r"[^a-z0-9-]+")


@dataclass(frozen=True)
class Voice:
    """How to speak: the visitor's language, the library's volume and rate."""

    lang: str
    volume: int = 100
    rate: int = 150

    @property
    def name(self) -> str:
        return VOICES.get(self.lang, self.lang)


class Speaker:
    """Says one text at a time through ``program`` (None: no engine, nothing is said)."""

    def __init__(self, program: str | None, out_dir: Path | None = None) -> None:
        self.program = program
        self.out_dir = out_dir
        self._process: asyncio.subprocess.Process | None = None
        # Files are numbered on from those already there when the kiosk started.
        self._written = len(list(out_dir.glob("*.wav"))) if out_dir and out_dir.is_dir() else 0

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> Speaker:
        """espeak-ng from PATH; ``KIOSK_SPEECH_DIR`` (when set) receives WAV files."""
        env = os.environ if env is None else env
        out_dir = env.get(OUT_DIR_ENV, "").strip()
        return cls(shutil.which(ENGINE), Path(out_dir) if out_dir else None)

    @property
    def available(self) -> bool:
        return self.program is not None

    @property
    def speaking(self) -> bool:
        return self._process is not None and self._process.returncode is None

    def command(self, text: str, voice: Voice, wav: Path | None = None) -> list[str]:
        """The engine's command line: the text is one argument, never read by a shell."""
        if self.program is None:
            raise RuntimeError("no speech engine")
        volume = min(max(voice.volume, VOLUME_RANGE[0]), VOLUME_RANGE[1])
        rate = min(max(voice.rate, RATE_RANGE[0]), RATE_RANGE[1])
        args = [self.program, "-b", "1", "-v", voice.name, "-a", str(volume), "-s", str(rate)]
        if wav is not None:
            args += ["-w", str(wav)]
        return [*args, "--", text]

    def _next_wav(self, tag: str) -> Path:
        """The next numbered file in the out dir: ``0001-ticket-lt.wav``."""
        assert self.out_dir is not None
        self.out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._written += 1
        name = _TAG.sub("-", tag.lower()).strip("-") or "speech"
        return self.out_dir / f"{self._written:04d}-{name}.wav"

    async def say(self, text: str, voice: Voice, tag: str = "") -> Path | None:
        """Say ``text`` (stopping anything under way) and return when it has been said or
        stopped; with an out dir, the WAV file written (None when stopped or failed)."""
        self.stop()
        if self.program is None or not text.strip():
            return None
        wav = self._next_wav(f"{tag}-{voice.lang}") if self.out_dir is not None else None
        process = await asyncio.create_subprocess_exec(
            *self.command(text, voice, wav),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        self._process = process
        code: int | None = None
        try:
            code = await process.wait()
        finally:
            if process.returncode is None:  # the caller was cancelled: so is the voice
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
            if self._process is process:
                self._process = None
            if wav is not None and code != 0:  # stopped or failed: no half a file kept
                wav.unlink(missing_ok=True)
        if wav is None or not wav.exists():
            return None
        wav.chmod(0o600)
        return wav

    def stop(self) -> None:
        """End the utterance under way, if any (its ``say`` then returns)."""
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
