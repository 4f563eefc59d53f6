"""Reusable widgets: the half-block QR code, the on-screen keyboard and the pager."""

from screens.widgets.keyboard import KeyButton, OnScreenKeyboard
from screens.widgets.pager import Pager, PagerButton
from screens.widgets.qr import QRCode

__all__ = ["KeyButton", "OnScreenKeyboard", "Pager", "PagerButton", "QRCode"]
