"""Paper tickets on an ESC/POS receipt printer (``python-escpos``): USB, serial or network.

Many visitors have no phone camera, so the ticket screen prints the same content as it
shows. Text goes out in the printer's Baltic code page (CP775: ą č ę ė į š ų ū ž) and the
QR as the printer's own QR command, which every current ESC/POS printer understands.
"""

from __future__ import annotations

import contextlib
import textwrap
from enum import StrEnum
from typing import TYPE_CHECKING

from kiosk.errors import ErrorCode, KioskError, ValidationError
from kiosk.models import Settings
from kiosk.ticket_content import TicketContent

if TYPE_CHECKING:
    from escpos.escpos import Escpos

# Characters on one line of 80 mm paper in the printer's normal font (58 mm: 32).
LINE_CHARS = 42
CODE_PAGE = "CP775"  # Baltic: every Lithuanian letter


class PrinterKind(StrEnum):
    NONE = "none"
    USB = "usb"
    SERIAL = "serial"
    NETWORK = "network"


class PrinterError(KioskError):
    """The printer could not be reached or refused the job; the visitor hears one calm line."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.PRINTER_FAILED, message)


def printer_configured(settings: Settings) -> bool:
    return settings.printer_kind not in ("", PrinterKind.NONE)


def _hex_id(text: str, field: str) -> int:
    try:
        value = int(text.strip().lower().removeprefix("0x"), 16)
    except ValueError:
        raise _bad(f"{field}: a USB id in hex, e.g. 04b8", field) from None
    if not 0 < value <= 0xFFFF:
        raise _bad(f"{field}: a USB id in hex, e.g. 04b8", field)
    return value


def _bad(message: str, field: str) -> ValidationError:
    return ValidationError(ErrorCode.BAD_PRINTER, message, field=field)


def check_printer_settings(settings: Settings) -> Settings:
    """``settings`` unchanged if the printer part is complete for its kind, else refused."""
    kind = settings.printer_kind or PrinterKind.NONE
    if kind not in set(PrinterKind):
        raise _bad(f"printer kind: one of {', '.join(PrinterKind)}", "printer_kind")
    if kind == PrinterKind.USB:
        _hex_id(settings.printer_usb_vendor, "printer_usb_vendor")
        _hex_id(settings.printer_usb_product, "printer_usb_product")
    elif kind == PrinterKind.SERIAL and not settings.printer_serial_device.startswith("/dev/"):
        raise _bad("serial device: e.g. /dev/ttyUSB0", "printer_serial_device")
    elif kind == PrinterKind.NETWORK:
        host = settings.printer_host.strip()
        if not host or any(ch.isspace() for ch in host):
            raise _bad("printer host: a name or an address", "printer_host")
        if not 0 < settings.printer_port < 65536:
            raise _bad("printer port: 1-65535", "printer_port")
    return settings


def open_printer(settings: Settings) -> Escpos:
    """The configured printer, opened (PrinterError when it cannot be reached)."""
    check_printer_settings(settings)
    kind = settings.printer_kind
    profile = settings.printer_profile or None
    try:
        if kind == PrinterKind.USB:
            from escpos.printer import Usb

            return Usb(
                _hex_id(settings.printer_usb_vendor, "printer_usb_vendor"),
                _hex_id(settings.printer_usb_product, "printer_usb_product"),
                profile=profile,
            )
        if kind == PrinterKind.SERIAL:
            from escpos.printer import Serial

            return Serial(
                settings.printer_serial_device,
                baudrate=settings.printer_serial_baudrate,
                profile=profile,
            )
        if kind == PrinterKind.NETWORK:
            from escpos.printer import Network

            return Network(settings.printer_host.strip(), settings.printer_port, profile=profile)
    except Exception as exc:  # noqa: BLE001 - a missing driver or device is a printer error
        raise PrinterError(f"cannot open the {kind} printer: {exc}") from exc
    raise PrinterError("no receipt printer is configured")


def _wrapped(text: str) -> str:
    return "\n".join(textwrap.wrap(text, LINE_CHARS) or [""]) + "\n"


def print_ticket(content: TicketContent, printer: Escpos) -> None:
    """Print ``content`` and its QR on ``printer``, then cut. PrinterError on any failure."""
    try:
        # Forced, not guessed: escpos's "magic" encoder would switch pages per letter.
        printer.magic.force_encoding(CODE_PAGE)
        printer.set(align="left", normal_textsize=True)
        printer.text(_wrapped(content.library))
        printer.set(bold=True)
        printer.text(_wrapped(content.title))
        printer.text(_wrapped(content.code_label))
        printer.set(align="center", bold=True, double_width=True, double_height=True)
        printer.text(" ".join(content.code) + "\n")
        printer.set(align="left", normal_textsize=True)
        for line in content.lines:
            printer.set(bold=True)
            printer.text(_wrapped(line.label))
            printer.set(bold=False)
            printer.text(_wrapped(line.text))
        printer.text(_wrapped(content.arrive))
        if content.token:
            printer.set(align="center")
            printer.qr(content.token, native=True, size=8)
        printer.cut()
    except Exception as exc:  # noqa: BLE001 - paper out, cable pulled, unknown profile...
        raise PrinterError(f"printing failed: {exc}") from exc


def print_configured(content: TicketContent, settings: Settings) -> None:
    """Print ``content`` on the printer the settings name (PrinterError when it fails)."""
    if not printer_configured(settings):
        raise PrinterError("no receipt printer is configured")
    printer = open_printer(settings)
    try:
        print_ticket(content, printer)
    finally:
        with contextlib.suppress(Exception):  # the job is already done or failed
            printer.close()
