"""Validation of what people type: first names and Lithuanian phone numbers."""

from __future__ import annotations

import re
import unicodedata

from kiosk.errors import ValidationError

NAME_MAX = 40
_NAME_PUNCT = {" ", "-", "'", "\u2019"}  # space, hyphen, apostrophe, typographic apostrophe
_MARKUP = set("[]<>{}\\")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")


def clean_name(raw: str) -> str:
    """Return the first name tidied (NFC, single spaces) or raise ValidationError.

    Letters of any alphabet, spaces, hyphen and apostrophe; 1-40 characters.
    """
    if not isinstance(raw, str):
        raise ValidationError("name", "name_required", "Please enter your first name.")
    text = unicodedata.normalize("NFC", raw)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in text):
        raise ValidationError(
            "name", "name_control", "The name contains invisible control characters."
        )
    text = " ".join(text.split())
    if not text:
        raise ValidationError("name", "name_required", "Please enter your first name.")
    if len(text) > NAME_MAX:
        raise ValidationError(
            "name", "name_too_long", f"The name is too long (at most {NAME_MAX} characters)."
        )
    if any(ch in _MARKUP for ch in text):
        raise ValidationError(
            "name", "name_markup", "The name may not contain brackets or similar symbols."
        )
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _NAME_PUNCT or category.startswith("L") or category.startswith("M"):
            continue
        if category == "Nd":
            raise ValidationError("name", "name_digits", "The name may not contain digits.")
        raise ValidationError(
            "name",
            "name_chars",
            "Please use only letters, spaces, hyphens and apostrophes in the name.",
        )
    if not any(unicodedata.category(ch).startswith("L") for ch in text):
        raise ValidationError("name", "name_required", "Please enter your first name.")
    if not unicodedata.category(text[0]).startswith("L"):
        # Also keeps a name from starting like a spreadsheet formula ("-", "'").
        raise ValidationError("name", "name_start", "The name must start with a letter.")
    return text


def normalize_phone(raw: str | None) -> str | None:
    """Return ``+370XXXXXXXX`` for a Lithuanian number, None when empty; else raise.

    Accepts +370..., 00370..., 370..., the national 8... form and a bare 6xxxxxxx mobile.
    """
    if raw is None:
        return None
    text = _PHONE_SEPARATORS.sub("", raw.strip())
    if not text:
        return None
    if text.startswith("+"):
        body = text[1:]
        if not body.isdigit() or not body.startswith("370"):
            raise _bad_phone()
        national = body[3:]
    elif not text.isdigit():
        raise _bad_phone()
    elif text.startswith("00370"):
        national = text[5:]
    elif text.startswith("370") and len(text) == 11:
        national = text[3:]
    elif text.startswith("8") and len(text) == 9:
        national = text[1:]
    elif len(text) == 8 and text[0] in "3456":
        # A bare national number; one starting with 8 is more likely "8 + a digit short".
        national = text
    else:
        raise _bad_phone()
    if len(national) != 8 or national[0] in "012":
        raise _bad_phone()
    return "+370" + national


def _bad_phone() -> ValidationError:
    return ValidationError(
        "phone",
        "phone_invalid",
        "Please enter a Lithuanian phone number, e.g. +370 612 34567 or 8 612 34567.",
    )


def visitor_key(name: str, phone: str | None) -> tuple[str, str]:
    """Identity used for the per-visitor booking limit: same first name and phone."""
    return (name.casefold(), phone or "")
