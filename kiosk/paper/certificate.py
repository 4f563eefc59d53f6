"""The volunteer-hours certificate of an e-scout for a period.

One content model, built from the activity forms (kiosk/domain/scout_day.py ``hours``), drawn as
an A4 PDF (fpdf2, the bundled Unicode font) and on the receipt printer (python-escpos), in
Lithuanian or English: library, the e-scout's full name (the display name when the librarian
gave none), period, consultations, hours, topics, the date and a line for the librarian's
signature. Dates are the language's long form without the weekday; a period that ends in the
future ends today (a certificate vouches only for what has happened).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from babel.dates import format_date

from kiosk.domain.clock import as_local
from kiosk.domain.scout_day import VolunteerHours
from kiosk.i18n import Translator
from kiosk.paper.printing import (
    CODE_PAGE,
    PrinterError,
    configured_printer,
    print_job,
    printer_configured,
    wrapped,
)
from kiosk.paper.ticket_render import BOLD, REGULAR

if TYPE_CHECKING:
    from escpos.escpos import Escpos

    from kiosk.services import Services

SIGNATURE_LINE = "_" * 28


@dataclass(frozen=True)
class CertificateContent:
    lang: str
    library: str
    title: str
    intro: str  # "This certifies that ... volunteered as an e-scout"
    scout: str  # the e-scout's full name (else the display name)
    period: str
    facts: tuple[tuple[str, str], ...]  # (label, value): consultations, hours
    topics_label: str
    topics: tuple[str, ...]  # "Name (n)", most consultations first
    issued: str  # "Date: ..."
    signature: str  # "Librarian's signature"
    hours: VolunteerHours

    def plain_lines(self) -> list[str]:
        """The certificate as plain text lines, top to bottom."""
        return [
            self.library,
            self.title,
            self.intro,
            self.scout,
            self.period,
            *(f"{label}: {value}" for label, value in self.facts),
            f"{self.topics_label}:",
            *(f"- {topic}" for topic in self.topics),
            self.issued,
            f"{self.signature}: {SIGNATURE_LINE}",
        ]


def duration_text(t: Translator, minutes: int) -> str:
    """Minutes as hours and minutes in words: "3 val. 45 min." / "3 h 45 min"."""
    hours, rest = divmod(max(minutes, 0), 60)
    if hours and rest:
        return t("lib.scouts.cert.duration", hours=hours, minutes=rest)
    if rest:
        return t("lib.scouts.cert.duration_minutes", minutes=rest)
    return t("lib.scouts.cert.duration_hours", hours=hours)


def date_text(t: Translator, day: date) -> str:
    """A date in the language's long form without the weekday: "2026 m. lapkričio 1 d."."""
    return format_date(day, t.message("lib.scouts.cert.date"), locale=t.lang)


def certificate_period(first: date, last: date, today: date) -> tuple[date, date]:
    """The period a certificate may vouch for: ``last`` no later than ``today``."""
    return first, min(last, today)


def build_certificate(
    services: Services, scout_id: str, first: date, last: date, lang: str
) -> CertificateContent:
    """The certificate of ``scout_id`` for ``first``..``last`` (cut at today) in ``lang``."""
    t = Translator(lang)
    today = as_local(services.clock.now()).date()
    first, last = certificate_period(first, last, today)
    hours = services.scout_day.hours(scout_id, first, last)
    names = {topic.slug: topic.name(lang) for topic in services.booking.topics(active_only=False)}
    return CertificateContent(
        lang=lang,
        library=services.catalog.settings().library_name,
        title=t("lib.scouts.cert.title"),
        intro=t("lib.scouts.cert.intro"),
        scout=hours.scout.certificate_name,
        period=t("lib.scouts.cert.period", first=date_text(t, first), last=date_text(t, last)),
        facts=(
            (t("lib.scouts.cert.consultations"), str(hours.consultations)),
            (t("lib.scouts.cert.hours"), duration_text(t, hours.minutes)),
        ),
        topics_label=t("lib.scouts.cert.topics"),
        topics=tuple(f"{names.get(slug, slug)} ({n})" for slug, n in hours.by_topic.items()),
        issued=t("lib.scouts.cert.issued", date=date_text(t, today)),
        signature=t("lib.scouts.cert.signature"),
        hours=hours,
    )


def render_pdf(cert: CertificateContent) -> bytes:
    """An A4 PDF of the certificate, in the bundled Unicode font."""
    from fpdf import FPDF  # the e-scout's screens import this module at start: fpdf2 when used

    pdf = FPDF(format="A4")
    pdf.set_margins(25, 25, 25)
    pdf.set_auto_page_break(auto=True, margin=25)
    pdf.add_font("cert", "", str(REGULAR))
    pdf.add_font("cert", "B", str(BOLD))
    pdf.add_page()

    def say(text: str, size: float, bold: bool = False, gap: float = 3, align: str = "L") -> None:
        pdf.set_font("cert", "B" if bold else "", size)
        pdf.multi_cell(pdf.epw, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align=align)
        pdf.ln(gap)

    say(cert.library, 12, align="C", gap=12)
    say(cert.title, 22, bold=True, align="C", gap=10)
    say(cert.intro, 12, align="C", gap=4)
    say(cert.scout, 20, bold=True, align="C", gap=4)
    say(cert.period, 12, align="C", gap=12)
    for label, value in cert.facts:
        say(f"{label}: {value}", 13, bold=True, gap=2)
    pdf.ln(4)
    say(f"{cert.topics_label}:", 12, bold=True, gap=1)
    for topic in cert.topics:
        say(f"\u2022 {topic}", 12, gap=1)
    pdf.ln(16)
    say(cert.issued, 12, gap=14)
    say(f"{cert.signature}: {SIGNATURE_LINE}", 12)
    return bytes(pdf.output())


def print_on(cert: CertificateContent, printer: Escpos) -> None:
    """The certificate on a receipt printer, then a cut. PrinterError on any failure."""
    with print_job(printer):
        printer.magic.force_encoding(CODE_PAGE)
        printer.set(align="center", normal_textsize=True)
        printer.text(wrapped(cert.library))
        printer.set(align="center", bold=True, double_height=True)
        printer.text(wrapped(cert.title))
        printer.set(align="center", normal_textsize=True)
        printer.text(wrapped(cert.intro))
        printer.set(bold=True)
        printer.text(wrapped(cert.scout))
        printer.set(bold=False)
        printer.text(wrapped(cert.period) + "\n")
        printer.set(align="left")
        for label, value in cert.facts:
            printer.text(wrapped(f"{label}: {value}"))
        printer.text(wrapped(f"{cert.topics_label}:"))
        for topic in cert.topics:
            printer.text(wrapped(f"- {topic}"))
        printer.text("\n" + wrapped(cert.issued) + "\n\n")
        printer.text(wrapped(f"{cert.signature}:") + "\n" + SIGNATURE_LINE + "\n")


def certificate_pdf(services: Services, scout_id: str, first: date, last: date, lang: str) -> bytes:
    """The certificate of ``scout_id`` for the period as an A4 PDF."""
    return render_pdf(build_certificate(services, scout_id, first, last, lang))


def print_certificate(
    services: Services, scout_id: str, first: date, last: date, lang: str
) -> None:
    """The certificate on the library's receipt printer (PrinterError when there is none or
    it fails)."""
    cert = build_certificate(services, scout_id, first, last, lang)
    with configured_printer(services.catalog.settings()) as printer:
        print_on(cert, printer)


@dataclass(frozen=True)
class IssuedCertificate:
    """A certificate made at the console: its PDF, and how printing went."""

    content: CertificateContent
    path: Path  # the A4 PDF in the exports folder
    printed: bool  # also on the receipt printer
    print_error: PrinterError | None = None  # a printer set but failing (the PDF is saved)


def issue_certificate(
    services: Services, scout_id: str, first: date, last: date, lang: str
) -> IssuedCertificate:
    """The certificate as an A4 PDF in the exports folder (private; removed with the other
    exports after the retention period), and on the receipt printer when the settings name
    one. KioskError for an unknown e-scout; OSError when the PDF cannot be written."""
    cert = build_certificate(services, scout_id, first, last, lang)
    hours = cert.hours
    stamp = as_local(services.clock.now()).strftime("%Y%m%d-%H%M%S")
    name = f"certificate-{scout_id}-{hours.first:%Y%m%d}-{hours.last:%Y%m%d}-{stamp}.pdf"
    path = services.maintenance.save_export(name, render_pdf(cert))
    settings = services.catalog.settings()
    if not printer_configured(settings):
        return IssuedCertificate(cert, path, printed=False)
    try:
        with configured_printer(settings) as printer:
            print_on(cert, printer)
    except PrinterError as exc:
        return IssuedCertificate(cert, path, printed=False, print_error=exc)
    return IssuedCertificate(cert, path, printed=True)
