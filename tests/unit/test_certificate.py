"""The volunteer-hours certificate: its numbers add up with the forms, in lt and en, on PDF
and on the receipt printer, hours in words and the period as plain dates that never pass
today; the full name it carries; and the e-scout's sign-in card."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pypdfium2 as pdfium
import pytest
from escpos.printer import Dummy

from kiosk.domain.activity import ActivityDraft
from kiosk.i18n import Translator
from kiosk.paper.certificate import (
    build_certificate,
    certificate_pdf,
    duration_text,
    print_certificate,
    print_on,
)
from kiosk.paper.printing import PrinterError
from kiosk.paper.scout_card import build_card_content, card_pdf, card_svg, print_card
from kiosk.services import Services

FORMS = (
    (date(2026, 11, 3), 30, ["e-banking"]),
    (date(2026, 11, 10), 45, ["e-banking", "smart-id"]),
    (date(2026, 11, 17), 60, ["safety"]),
)


@pytest.fixture
def forms(demo: Services) -> Services:
    for day, minutes, topics in FORMS:
        demo.activity.record(ActivityDraft(day, "lukas", minutes, topics, "65_74", "solved"))
    demo.activity.record(
        # Outside November (and before the tests' today: no form is dated ahead of it).
        ActivityDraft(date(2026, 10, 20), "lukas", 90, ["safety"], "65_74", "solved")
    )
    return demo


def _words(value: object) -> object:
    """Text as read: the catalogue's non-breaking spaces as spaces."""
    if isinstance(value, dict):
        return {_words(k): _words(v) for k, v in value.items()}
    return str(value).replace("\xa0", " ").replace("\u202f", " ")


def test_the_certificate_adds_up_the_forms(forms: Services) -> None:
    cert = build_certificate(forms, "lukas", date(2026, 11, 1), date(2026, 11, 30), "lt")
    assert cert.hours.minutes == sum(m for _, m, _ in FORMS) == 135
    assert cert.hours.consultations == len(FORMS)
    assert _words(dict(cert.facts)) == {
        "Konsultacijų": "3",
        "Savanorystės laikas": "2 val. 15 min.",
    }
    assert cert.scout == "Lukas P." and cert.library.startswith("Vilniaus apskrities")
    assert len(cert.topics) == 3 and cert.topics[0].endswith("(2)")
    text = "\n".join(cert.plain_lines())
    assert "2026" in text and "parašas" in text and "Savanorystės pažyma" in text


def test_the_certificate_in_english(forms: Services) -> None:
    cert = build_certificate(forms, "lukas", date(2026, 10, 1), date(2026, 11, 30), "en")
    assert _words(dict(cert.facts)) == {"Consultations": "4", "Time volunteered": "3 h 45 min"}
    assert cert.title == "Certificate of volunteering"
    assert "Librarian's signature" in "\n".join(cert.plain_lines())


def test_certificate_pdf_and_receipt(forms: Services) -> None:
    pdf = certificate_pdf(forms, "lukas", date(2026, 11, 1), date(2026, 11, 30), "lt")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    cert = build_certificate(forms, "lukas", date(2026, 11, 1), date(2026, 11, 30), "lt")
    printer = Dummy()
    print_on(cert, printer)
    out = printer.output
    assert "Lukas P.".encode("cp775") in out and "2\xa0val. 15\xa0min.".encode("cp775") in out
    with pytest.raises(PrinterError):  # no receipt printer in the settings
        print_certificate(forms, "lukas", date(2026, 11, 1), date(2026, 11, 30), "lt")


def test_the_card_carries_name_library_and_qr() -> None:
    card = build_card_content(Translator("lt"), "Biblioteka", "Ieva K.", "SK" + "A" * 26)
    assert card.title.replace("\xa0", " ") == "E. skauto kortelė"
    svg = card_svg(card)
    assert "Ieva K." in svg and "Biblioteka" in svg and svg.count("<rect") > 100
    assert card_pdf(card).startswith(b"%PDF")
    printer = Dummy()
    print_card(card, printer)
    assert b"Ieva K." in printer.output and card.token.encode() in printer.output


@pytest.mark.parametrize(
    ("minutes", "lt", "en"),
    [
        (225, "3 val. 45 min.", "3 h 45 min"),
        (45, "45 min.", "45 min"),
        (120, "2 val.", "2 h"),
        (0, "0 val.", "0 h"),
    ],
)
def test_hours_are_hours_and_minutes_in_words(minutes: int, lt: str, en: str) -> None:
    assert _words(duration_text(Translator("lt"), minutes)) == lt
    assert _words(duration_text(Translator("en"), minutes)) == en


def test_the_period_is_plain_dates_without_weekdays(forms: Services) -> None:
    cert = build_certificate(forms, "lukas", date(2026, 10, 1), date(2026, 10, 31), "lt")
    assert _words(cert.period) == "savanoriavo 2026 m. spalio 1 d. – 2026 m. spalio 31 d."
    cert = build_certificate(forms, "lukas", date(2026, 10, 1), date(2026, 10, 31), "en")
    assert _words(cert.period) == "volunteered 1 October 2026 – 31 October 2026"
    assert _words(cert.issued) == "Date: 24 November 2026"  # the tests' today, no weekday


def test_a_period_ending_in_the_future_ends_today(forms: Services) -> None:
    """Today is 24 November 2026: a certificate for the rest of the year ends today."""
    cert = build_certificate(forms, "lukas", date(2026, 11, 1), date(2026, 12, 31), "en")
    assert _words(cert.period) == "volunteered 1 November 2026 – 24 November 2026"
    assert cert.hours.last == date(2026, 11, 24)
    cert = build_certificate(forms, "lukas", date(2026, 11, 1), date(2026, 11, 30), "lt")
    assert _words(cert.period) == "savanoriavo 2026 m. lapkričio 1 d. – 2026 m. lapkričio 24 d."
    text = _words("\n".join(cert.plain_lines()))
    assert "sekmadienis" not in text and "antradienis" not in text and "iki" not in text


def test_the_certificate_carries_the_full_name(forms: Services) -> None:
    scout = forms.booking.scout("lukas")
    cert = build_certificate(forms, "lukas", date(2026, 11, 1), date(2026, 11, 30), "lt")
    assert cert.scout == "Lukas P."  # no full name given: the display name
    forms.catalog.save_scout(replace(scout, full_name="  Lukas   Petrauskas "))
    cert = build_certificate(forms, "lukas", date(2026, 11, 1), date(2026, 11, 30), "lt")
    assert cert.scout == "Lukas Petrauskas"
    pdf = pdfium.PdfDocument(
        certificate_pdf(forms, "lukas", date(2026, 11, 1), date(2026, 11, 30), "lt")
    )
    assert len(pdf) == 1
    assert "Lukas Petrauskas" in pdf[0].get_textpage().get_text_range()
