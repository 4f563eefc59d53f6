"""The volunteer-hours certificate of an e-scout for a period.

One content model, built from the activity forms (kiosk/domain/scout_day.py ``hours``), drawn as
an A4 PDF (fpdf2, the bundled Unicode font) and on the receipt printer (python-escpos), in
Lithuanian or English: library, the e-scout's display name, period, consultations, hours,
topics, the date and a line for the librarian's signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from babel.numbers import format_decimal

from kiosk.domain.clock import as_local
from kiosk.domain.scout_day import VolunteerHours
from kiosk.i18n import Translator
from kiosk.paper.printing import CODE_PAGE, configured_printer, print_job, wrapped
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
    scout: str  # the e-scout's display name
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


def hours_text(minutes: int, lang: str) -> str:
    """Minutes as hours with up to two decimals, written the language's way (2,5 / 2.5)."""
    return format_decimal(round(minutes / 60, 2), format="#,##0.##", locale=lang)


def build_certificate(
    services: Services, scout_id: str, first: date, last: date, lang: str
) -> CertificateContent:
    """The certificate of ``scout_id`` for ``first``..``last`` in ``lang``."""
    t = Translator(lang)
    hours = services.scout_day.hours(scout_id, first, last)
    names = {topic.slug: topic.name(lang) for topic in services.booking.topics(active_only=False)}
    today = as_local(services.clock.now()).date()
    return CertificateContent(
        lang=lang,
        library=services.catalog.settings().library_name,
        title=t("lib.scouts.cert.title"),
        intro=t("lib.scouts.cert.intro"),
        scout=hours.scout.name,
        period=t("lib.scouts.cert.period", first=t.long_date(first), last=t.long_date(last)),
        facts=(
            (t("lib.scouts.cert.consultations"), str(hours.consultations)),
            (t("lib.scouts.cert.hours"), hours_text(hours.minutes, lang)),
        ),
        topics_label=t("lib.scouts.cert.topics"),
        topics=tuple(f"{names.get(slug, slug)} ({n})" for slug, n in hours.by_topic.items()),
        issued=t("lib.scouts.cert.issued", date=t.long_date(today)),
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
