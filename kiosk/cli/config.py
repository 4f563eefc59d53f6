"""The library's settings from the command line: ``kiosk config get [KEY]`` and
``kiosk config set KEY VALUE``, checked by the rules the console's Settings tab uses."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import time
from typing import Any

from kiosk.cli.common import EXIT_REFUSED, Parser, Subcommands, cut, emit, say
from kiosk.domain.errors import ErrorCode, KioskError, ValidationError
from kiosk.domain.models import SETTING_RANGES, OpeningHours, Settings
from kiosk.domain.reminders import check_email
from kiosk.domain.validation import (
    check_hours,
    check_library_id,
    check_library_name,
    check_municipality,
    normalize_phone,
    parse_languages,
    parse_setting,
    plain_text,
)
from kiosk.messages.sms import check_gateway_url, check_template
from kiosk.paper.printing import PrinterKind, check_printer_settings
from kiosk.services import Services

# Bookkeeping, not a setting: every save bumps it.
_NOT_SETTINGS = frozenset({"version"})
_WEEKDAYS = 7
_ON = frozenset({"on", "true", "yes", "1"})
_OFF = frozenset({"off", "false", "no", "0"})
_USB_ID = re.compile(r"^(0x)?[0-9a-f]{1,4}$")
# The list of known keys is long: a refusal naming them all may take this many characters.
_KEYS_LINE = 2000


def _opening_hours(raw: str) -> list[OpeningHours]:
    days = raw.split(";")
    if len(days) != _WEEKDAYS:
        raise ValueError
    spans = [(day, check_hours(text)) for day, text in enumerate(days)]
    return [OpeningHours(day, *span) for day, span in spans if span is not None]


def _library_phone(raw: str) -> str:
    return normalize_phone(raw) or ""


def _choice(raw: str) -> str:
    kind = raw.strip().lower()
    if kind not in set(PrinterKind):
        raise ValueError
    return kind


def _on_off(raw: str) -> bool:
    word = raw.strip().lower()
    if word not in _ON | _OFF:
        raise ValueError
    return word in _ON


def _usb_id(raw: str) -> str:
    text = raw.strip().lower()
    if text and (not _USB_ID.match(text) or int(text.removeprefix("0x"), 16) == 0):
        raise ValueError
    return text


def _device(raw: str) -> str:
    text = plain_text(raw)
    if text and not text.startswith("/dev/"):
        raise ValueError
    return text


def _host(raw: str) -> str:
    text = raw.strip()
    if any(ch.isspace() for ch in text) or text != plain_text(text):
        raise ValueError
    return text


def _hhmm(raw: str) -> str:
    text = raw.strip()
    if len(text) != 5:
        raise ValueError
    return time.fromisoformat(text).strftime("%H:%M")


def _secret(raw: str) -> str:
    text = raw.strip()
    if text != plain_text(text) or any(ch.isspace() for ch in text):
        raise ValueError
    return text


def _sender(raw: str) -> str:
    return check_email(raw) or ""


# Settings ``config get`` never prints: they open the gateway and the mailbox.
SECRETS = frozenset({"sms_gateway_token", "smtp_password"})

# Each text setting: how a typed value is read (ValueError or ValidationError: refused) and
# the form the refusal names.
TEXT_RULES: dict[str, tuple[Callable[[str], Any], str]] = {
    "library_name": (check_library_name, "the library's name, not empty"),
    "opening_hours": (
        _opening_hours,
        "seven days Monday to Sunday separated by ';', each HH:MM-HH:MM or empty for "
        "closed, e.g. '10:00-19:00;10:00-19:00;10:00-19:00;10:00-19:00;10:00-19:00;"
        "10:00-16:00;'",
    ),
    "library_phone": (
        _library_phone,
        "a phone number (a Lithuanian one as dialled, others with their + code), or empty",
    ),
    "languages": (parse_languages, "two-letter language codes separated by commas, e.g. lt,en"),
    "library_id": (
        check_library_id,
        "a country code, a hyphen, then A-Z, 0-9 and hyphens "
        "(up to 32), e.g. LT-VAMB; empty: not set",
    ),
    "municipality": (check_municipality, "plain text without brackets, up to 80 characters"),
    "speech_on": (_on_off, "on or off"),
    "printer_kind": (_choice, f"one of {', '.join(PrinterKind)}"),
    "printer_usb_vendor": (_usb_id, "a USB id in hex, e.g. 04b8, or empty"),
    "printer_usb_product": (_usb_id, "a USB id in hex, e.g. 0202, or empty"),
    "printer_serial_device": (_device, "a device under /dev/, e.g. /dev/ttyUSB0, or empty"),
    "printer_host": (_host, "a host name or address without spaces, or empty"),
    "printer_profile": (plain_text, "an escpos printer profile name, or empty for the generic"),
    "sms_gateway_url": (check_gateway_url, "an http:// or https:// URL, or empty"),
    "sms_gateway_token": (_secret, "the gateway's token without spaces, or empty"),
    "sms_body_template": (
        check_template,
        'JSON with "{to}" and "{text}" among its strings, e.g. {"to": "{to}", "text": "{text}"}',
    ),
    "smtp_host": (_host, "a host name or address without spaces, or empty"),
    "smtp_user": (_secret, "the SMTP user name without spaces, or empty"),
    "smtp_password": (_secret, "the SMTP password without spaces, or empty"),
    "smtp_from": (_sender, "the sender's e-mail address, or empty"),
    "remind_at": (_hhmm, "a time HH:MM, e.g. 18:00"),
}


# The refusal of a ValueError by the setting that raised it (else: a printer's field).
_VALUE_ERRORS = {"opening_hours": ErrorCode.BAD_HOURS, "speech_on": ErrorCode.BAD_ON_OFF}


def setting_keys() -> list[str]:
    """Every setting ``kiosk config`` reads and writes, in the order Settings holds them."""
    return [f.name for f in fields(Settings) if f.name not in _NOT_SETTINGS]


def _unknown(key: str | None) -> bool:
    """True (and one line on stderr naming every known key) for a key that is no setting."""
    keys = setting_keys()
    if key is None or key in keys:
        return False
    say(f"unknown setting {cut(key)!r}; known: {', '.join(keys)}", _KEYS_LINE)
    return True


def _form(key: str) -> str:
    if key in SETTING_RANGES:
        low, high = SETTING_RANGES[key]
        return f"a whole number from {low} to {high}"
    return TEXT_RULES[key][1]


def parse_value(key: str, raw: str) -> Any:
    """``raw`` read as the setting ``key`` holds it; refused (KioskError) naming the key and
    the allowed range or form."""
    try:
        if key in SETTING_RANGES:
            return parse_setting(key, raw)
        return TEXT_RULES[key][0](raw)
    except (ValueError, ValidationError) as exc:
        # The opening hours' day count, the on/off, the printer's and the messages' fields
        # raise ValueError.
        other = _VALUE_ERRORS.get(
            key, ErrorCode.BAD_PRINTER if key.startswith("printer_") else ErrorCode.MESSAGES_CONFIG
        )
        code = exc.code if isinstance(exc, ValidationError) else other
        raise KioskError(code, f"{key} refused {cut(raw)!r}: {_form(key)}") from None


def _shown(settings: Settings) -> dict[str, Any]:
    stored = settings.to_dict()
    # A secret shows only whether it is set.
    return {
        key: ("***" if stored[key] else "") if key in SECRETS else stored[key]
        for key in setting_keys()
    }


def cmd_config_get(services: Services, args: argparse.Namespace) -> int:
    if _unknown(args.key):
        return EXIT_REFUSED
    shown = _shown(services.catalog.settings())
    emit(shown if args.key is None else shown[args.key])
    return 0


def cmd_config_set(services: Services, args: argparse.Namespace) -> int:
    if _unknown(args.key):
        return EXIT_REFUSED
    key = args.key
    value = parse_value(key, args.value)
    changed = replace(services.catalog.settings(), **{key: value})
    try:
        check_printer_settings(changed)
    except ValidationError as exc:
        # A printer's kind needs its address first: set the address, then the kind.
        raise KioskError(exc.code, f"{key} refused: {exc.message}") from None
    saved = services.catalog.save_settings(changed)
    emit({key: _shown(saved)[key]})
    return 0


def register(sub: Subcommands) -> None:
    """``kiosk config get [KEY]``, ``kiosk config set KEY VALUE``."""
    config = sub.add_parser("config", help="read or change the library's settings")
    csub = config.add_subparsers(
        dest="config_command", metavar="get|set", parser_class=Parser, required=True
    )
    sp = csub.add_parser("get", help="all settings as JSON, or one key's value")
    sp.set_defaults(func=cmd_config_get)
    sp.add_argument("key", nargs="?", metavar="KEY")
    sp = csub.add_parser("set", help="change one setting (checked first)")
    sp.set_defaults(func=cmd_config_set)
    sp.add_argument("key", metavar="KEY")
    sp.add_argument("value", metavar="VALUE")
