"""The words of each message, from the catalogues, and how many SMS parts they take.

Visitors' messages come from the ``visitor`` domain in their language, e-scouts' from the
``scout`` domain. A text that fits GSM-7 (English, with names folded to plain letters) is
one 160-character part; others (Lithuanian, Polish, Russian, Ukrainian letters) go as
UCS-2, 70 characters in one part or 67 a part when split, and every message is worded to
stay within ``MAX_PARTS``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from babel.dates import format_date

from kiosk.domain.reminders import Kind, Outgoing
from kiosk.domain.validation import display_phone
from kiosk.i18n import NBSP, Translator

MAX_PARTS = 2
GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
# GSM 03.38: the basic set (one septet each) and the extension table (an escape and one).
_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")
# Languages whose letters GSM-7 cannot carry: their texts go as UCS-2 as written.
_GSM_LANGUAGES = frozenset({"en"})
# Visitors' messages are in the visitor domain; e-scouts' in the scout domain.
_KEYS = {
    Kind.REMINDER: "v.sms.reminder",
    Kind.OFFER: "v.sms.offer",
    Kind.SORRY: "v.sms.sorry",
    Kind.SHIFT: "s.sms.shift",
}


@dataclass(frozen=True)
class Parts:
    encoding: str  # "gsm7" or "ucs2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    parts: int


def sms_parts(text: str) -> Parts:
    """How a text travels as SMS: its encoding, length in that encoding and parts."""
    if all(ch in _GSM7_BASIC or ch in _GSM7_EXTENDED for ch in text):
        units = sum(2 if ch in _GSM7_EXTENDED else 1 for ch in text)
        single, part, encoding = GSM7_SINGLE, GSM7_PART, "gsm7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part, encoding = UCS2_SINGLE, UCS2_PART, "ucs2"
    parts = 1 if units <= single else -(-units // part)
    return Parts(encoding, units, parts)


def fold_to_gsm7(text: str) -> str:
    """``text`` with letters GSM-7 lacks written without their marks (``Vaikų`` ->
    ``Vaiku``), so a Lithuanian place name keeps an English text in one part."""
    out = []
    for ch in text:
        if ch in _GSM7_BASIC or ch in _GSM7_EXTENDED:
            out.append(ch)
            continue
        base = unicodedata.normalize("NFKD", ch)
        plain = "".join(c for c in base if not unicodedata.combining(c))
        out.append(plain if plain and all(c in _GSM7_BASIC for c in plain) else "?")
    return "".join(out)


def render(message: Outgoing, library_phone: str) -> str:
    """The text of ``message`` in its language, one line, ready for the gateway."""
    t = Translator(message.language)
    values = {
        "day": format_date(message.start.date(), t.message("date.sms"), locale=t.lang),
        "time": t.time(message.start),
        "end": t.time(message.end),
        "place": message.place,
        "topic": message.topic,
        "code": message.code,
        "phone": display_phone(library_phone),
    }
    text = " ".join(t(_KEYS[message.kind], **values).replace(NBSP, " ").split())
    if message.language in _GSM_LANGUAGES:
        text = fold_to_gsm7(text)
    return text


def subject(message: Outgoing) -> str:
    """An e-mail's subject line."""
    return Translator(message.language)("v.sms.subject")
