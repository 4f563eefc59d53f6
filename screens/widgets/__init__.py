"""Reusable widgets: the half-block QR code, the on-screen keyboard, the pager, and text that
never breaks a line at a no-break space."""

from screens.widgets.keyboard import Alphabet, KeyButton, OnScreenKeyboard
from screens.widgets.pager import Pager, PagerButton
from screens.widgets.qr import QRCode
from screens.widgets.words import Words, WordsLabel

__all__ = [
    "Alphabet",
    "KeyButton",
    "OnScreenKeyboard",
    "Pager",
    "PagerButton",
    "QRCode",
    "Words",
    "WordsLabel",
]
