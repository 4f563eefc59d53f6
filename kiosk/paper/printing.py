"""Paper tickets on an ESC/POS receipt printer (``python-escpos``): USB, serial or network.

Many visitors have no phone camera, so the ticket screen prints the same content as it
shows. Text goes out in one code page of the printer, the one that holds the ticket's
letters: Baltic CP775 (Lithuanian, English, Polish), CP866 (Russian), CP1125 (Ukrainian).
A Lithuanian place name on a Cyrillic ticket loses only its accents (``Kompiuterių`` ->
``Kompiuteriu``). The QR goes as the printer's own QR command, which every current ESC/POS
printer understands.
"""

from __future__ import annotations

import contextlib
import textwrap
import unicodedata
from collections.abc import Iterator
from enum import StrEnum
from typing import TYPE_CHECKING

from kiosk.domain.errors import ErrorCode, KioskError, ValidationError
from kiosk.domain.models import Settings
from kiosk.domain.ticket_content import TicketContent

if TYPE_CHECKING:
    from escpos.escpos import Escpos

# Characters on one line of 80 mm paper in the printer's normal font (58 mm: 32).
LINE_CHARS = 42
CODE_PAGE = "CP775"  # Baltic: every Lithuanian and Polish letter
# The pages a ticket may go out in, most preferred first: Baltic, Russian (CP866 lacks the
# Ukrainian і and ґ), Ukrainian (CP1125 also has every Russian letter).
CODE_PAGES = (CODE_PAGE, "CP866", "CP1125")
# Typography a code page may lack, and what prints in its place.
_PLAIN = {"–": "-", "—": "-", "„": '"', "“": '"', "”": '"', "«": '"', "»": '"', "’": "'"}
_PLAIN |= {"ʼ": "'", "…": "...", "\u00a0": " ", "·": "-"}


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


def wrapped(text: str) -> str:
    """``text`` in lines of the paper's width, ending in a line break."""
    return "\n".join(textwrap.wrap(text, LINE_CHARS) or [""]) + "\n"


@contextlib.contextmanager
def print_job(printer: Escpos) -> Iterator[Escpos]:
    """One job on ``printer``: the paper is cut at its end, and any failure on the way is a
    PrinterError (tickets, e-scouts' cards, certificates)."""
    try:
        yield printer
        printer.cut()
    except Exception as exc:  # noqa: BLE001 - paper out, cable pulled, unknown profile...
        raise PrinterError(f"printing failed: {exc}") from exc


def _holds(page: str, char: str) -> bool:
    try:
        char.encode(page)
    except UnicodeEncodeError:
        return False
    return True


def printable(text: str, page: str) -> str:
    """``text`` as ``page`` can print it: a missing letter without its accent, else ``?``."""
    out = []
    for char in text:
        if _holds(page, char):
            out.append(char)
            continue
        plain = _PLAIN.get(char) or "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        out.append(plain if plain and _holds(page, plain) else "?")
    return "".join(out)


def code_page_for(content: TicketContent, pages: tuple[str, ...] = CODE_PAGES) -> str:
    """The page that prints the ticket's letters with the fewest lost (first of a tie)."""
    text = "".join(content.plain_lines())
    letters = [ch for ch in set(text) if ch.isalpha()]

    def lost(page: str) -> int:
        return sum(text.count(ch) for ch in letters if not _holds(page, ch))

    return min(pages, key=lambda page: (lost(page), pages.index(page)))


def _pages_of(printer: Escpos) -> tuple[str, ...]:
    """The code pages of ``CODE_PAGES`` that the printer's profile names (all, if unknown)."""
    try:
        known = {name.upper() for name in printer.profile.get_code_pages()}
    except Exception:  # noqa: BLE001 - a profile without a code-page table: assume the usual
        return CODE_PAGES
    return tuple(page for page in CODE_PAGES if page in known) or CODE_PAGES


def print_ticket(content: TicketContent, printer: Escpos) -> None:
    """Print ``content`` and its QR on ``printer``, then cut. PrinterError on any failure."""
    with print_job(printer):
        # Forced, not guessed: escpos's "magic" encoder would switch pages per letter.
        page = code_page_for(content, _pages_of(printer))
        printer.magic.force_encoding(page)

        def say(text: str) -> None:
            printer.text(wrapped(printable(text, page)))

        printer.set(align="left", normal_textsize=True)
        say(content.library)
        printer.set(bold=True)
        say(content.title)
        say(content.code_label)
        printer.set(align="center", bold=True, double_width=True, double_height=True)
        printer.text(" ".join(content.code) + "\n")
        printer.set(align="left", normal_textsize=True)
        for line in content.lines:
            printer.set(bold=True)
            say(line.label)
            printer.set(bold=False)
            say(line.text)
        say(content.arrive)
        if content.token:
            printer.set(align="center")
            printer.qr(content.token, native=True, size=8)


@contextlib.contextmanager
def configured_printer(settings: Settings) -> Iterator[Escpos]:
    """The printer the settings name, opened for one job and closed after it (PrinterError
    when none is set or it cannot be reached): tickets, e-scouts' cards and certificates."""
    if not printer_configured(settings):
        raise PrinterError("no receipt printer is configured")
    printer = open_printer(settings)
    try:
        yield printer
    finally:
        with contextlib.suppress(Exception):  # the job is already done or failed
            printer.close()


def print_configured(content: TicketContent, settings: Settings) -> None:
    """Print ``content`` on the printer the settings name (PrinterError when it fails)."""
    with configured_printer(settings) as printer:
        print_ticket(content, printer)
