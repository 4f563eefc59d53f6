"""Reusable widgets: the half-block QR code and the on-screen keyboard."""

from screens.widgets.keyboard import KeyButton, OnScreenKeyboard
from screens.widgets.qr import QRCode

__all__ = ["KeyButton", "OnScreenKeyboard", "QRCode"]
