"""A scanned e-scout card: the one message the visitor and console screens post about it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message


@dataclass
class CardScanned(Message):
    """An e-scout's card token was scanned or typed: the App opens the e-scout sign-in."""

    token: str
