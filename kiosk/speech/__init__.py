"""Read aloud: what each visitor screen says (``text``) and the engine that says it
(``player``: espeak-ng as a subprocess, or WAV files under ``KIOSK_SPEECH_DIR``).

No Textual here: the screens build the text from what they show and hand it to a
``Speaker`` the App holds."""

from kiosk.speech.player import ENGINE, OUT_DIR_ENV, Speaker, Voice

__all__ = ["ENGINE", "OUT_DIR_ENV", "Speaker", "Voice"]
