"""'Read aloud': a big button on every visitor screen that says what the screen says.

The screen builds the words (``spoken_text()``, from kiosk/speech/text.py); the App's
``Speaker`` says them through espeak-ng in an async worker, so the screen never waits.
A second tap stops the voice; leaving the screen stops it too (the App, on every screen
change). Without espeak-ng, or with speech switched off in the settings, there is no button.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from textual import on, work
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button

from kiosk.i18n import Translator
from kiosk.speech import Speaker, Voice
from screens.common import plain, services_of, store_work, translator

SPEAK_SIGN = "\U0001f50a "
STOP_SIGN = "\u25a0 "
READ_ALOUD_KEY = "f2"  # keyboard kiosks: the same as a tap on the button


@runtime_checkable
class Readable(Protocol):
    """A screen that can say what it shows."""

    def spoken_text(self) -> str: ...


def speaker_of(widget: Widget) -> Speaker | None:
    speaker = getattr(widget.app, "speech", None)
    return speaker if isinstance(speaker, Speaker) else None


class ReadAloudButton(Button):
    """Says the screen aloud when tapped; stops when tapped again."""

    @dataclass
    class Loaded(Message):
        voice_on: bool
        volume: int
        rate: int

    def __init__(self, t: Translator, sign_only: bool = False) -> None:
        super().__init__(id="v-read-aloud", classes="v-read-aloud")
        # sign_only: the sign alone (still a 3-row target) where the bar has no room for words.
        self.sign_only = sign_only
        self.label = self._label(t)
        self._volume = 100
        self._rate = 150

    def _label(self, t: Translator, speaking: bool = False) -> Content:
        if self.sign_only:
            return plain((STOP_SIGN if speaking else SPEAK_SIGN).strip())
        if speaking:
            return plain(STOP_SIGN + t("v.read_aloud.stop"))
        return plain(SPEAK_SIGN + t("v.read_aloud"))

    def on_mount(self) -> None:
        speaker = speaker_of(self)
        self.display = speaker is not None and speaker.available
        if self.display:
            self._load()

    @store_work(group="read-aloud-settings")
    def _load(self) -> None:
        s = services_of(self).booking.settings()
        self.post_message(self.Loaded(s.speech_on, s.speech_volume, s.speech_rate))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.display = message.voice_on
        self._volume, self._rate = message.volume, message.rate

    def refresh_label(self) -> None:
        """The label in the current language (after a language change on Welcome)."""
        speaker = speaker_of(self)
        self.label = self._label(translator(self), speaker is not None and speaker.speaking)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.toggle()

    def toggle(self) -> None:
        """Start reading the screen, or stop the reading under way."""
        speaker = speaker_of(self)
        if speaker is None or not speaker.available or not self.display:
            return
        if speaker.speaking:
            speaker.stop()
            return
        screen = self.screen
        if not isinstance(screen, Readable):
            return
        lang = translator(self).lang
        voice = Voice(lang, self._volume, self._rate)
        self._speak(speaker, screen.spoken_text(), voice, type(screen).__name__)

    @work(exclusive=True, group="read-aloud", exit_on_error=False)
    async def _speak(self, speaker: Speaker, text: str, voice: Voice, tag: str) -> None:
        self.label = self._label(translator(self), speaking=True)
        try:
            await speaker.say(text, voice, tag.removesuffix("Screen").lower())
        finally:
            if self.is_mounted:
                self.label = self._label(translator(self))
