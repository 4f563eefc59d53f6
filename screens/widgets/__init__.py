"""Reusable widgets: the half-block QR code, the on-screen keyboard and the pager."""

from screens.widgets.keyboard import Alphabet, KeyButton, OnScreenKeyboard
from screens.widgets.pager import Pager, PagerButton
from screens.widgets.qr import QRCode

__all__ = ["Alphabet", "KeyButton", "OnScreenKeyboard", "Pager", "PagerButton", "QRCode"]
