"""Booking codes and QR tickets.

The QR carries an unguessable token: 128 bits from ``secrets`` in upper-case base32
(QR alphanumeric mode, version 2). Only its SHA-256 is stored, so a copied data file
or backup cannot mint valid tickets. The short code is what people read aloud.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from enum import StrEnum
from xml.sax.saxutils import escape

# No look-alikes: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
TOKEN_BYTES = 16
TOKEN_LENGTH = 26  # base32 of 16 bytes without padding
TOKEN_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
QR_QUIET_ZONE = 4

_TOKEN_RE = re.compile(rf"[A-Z2-7]{{{TOKEN_LENGTH}}}")
_CODE_RE = re.compile(rf"[{CODE_ALPHABET}]{{{CODE_LENGTH}}}")
# What a scanner or a person may type: both alphabets, nothing else.
INPUT_ALPHABET = "".join(sorted(set(CODE_ALPHABET) | set(TOKEN_ALPHABET)))


class VerifyResult(StrEnum):
    OK = "ok"
    MALFORMED = "malformed"  # neither a code nor a token
    UNKNOWN = "unknown"  # a code that matches no booking
    FORGED = "forged"  # a token that matches no booking: altered or made up
    CANCELLED = "cancelled"
    ALREADY_CHECKED_IN = "already_checked_in"
    ALREADY_CLOSED = "already_closed"  # done or no-show
    NOT_TODAY = "not_today"
    TOO_EARLY = "too_early"  # today, but before the check-in window opens
    TOO_LATE = "too_late"  # today, but the consultation has ended


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def new_token() -> str:
    raw = base64.b32encode(secrets.token_bytes(TOKEN_BYTES)).decode("ascii")
    return raw.rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def normalize_ticket_input(raw: str) -> str:
    """What a scanner or a person typed, upper-cased, spaces and dashes removed."""
    return re.sub(r"[\s\-]", "", raw or "").upper()


def is_token(text: str) -> bool:
    return bool(_TOKEN_RE.fullmatch(text))


def is_code(text: str) -> bool:
    return bool(_CODE_RE.fullmatch(text))


def qr_matrix(token: str, quiet_zone: int = QR_QUIET_ZONE) -> list[list[bool]]:
    """QR modules (True = dark) for the token, including a quiet zone."""
    # On first use: ``import qrcode`` also loads Pillow (its image drawers), which the kiosk
    # needs only once a ticket is shown, not to start.
    import qrcode
    import qrcode.constants
    import qrcode.util

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=quiet_zone)
    qr.add_data(qrcode.util.QRData(token, mode=qrcode.util.MODE_ALPHA_NUM))
    qr.make(fit=True)
    return [list(row) for row in qr.get_matrix()]


def qr_svg(token: str, caption: str = "", module: int = 8) -> str:
    """A printable SVG of the ticket's QR code with an optional caption below it."""
    matrix = qr_matrix(token)
    size = len(matrix) * module
    caption_height = 3 * module if caption else 0
    rects = "".join(
        f'<rect x="{x * module}" y="{y * module}" width="{module}" height="{module}"/>'
        for y, row in enumerate(matrix)
        for x, dark in enumerate(row)
        if dark
    )
    text = (
        f'<text x="{size / 2}" y="{size + 2 * module}" text-anchor="middle" '
        f'font-family="monospace" font-size="{2 * module}">{escape(caption)}</text>'
        if caption
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size + caption_height}" '
        f'viewBox="0 0 {size} {size + caption_height}">'
        f'<rect width="100%" height="100%" fill="#fff"/><g fill="#000">{rects}</g>{text}</svg>\n'
    )
