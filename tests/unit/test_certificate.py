"""The volunteer-hours certificate: its numbers add up with the forms, in lt and en, on PDF
and on the receipt printer; and the e-scout's sign-in card."""

from __future__ import annotations

from datetime import date

import pytest
from escpos.printer import Dummy

from kiosk.domain.activity import ActivityDraft
from kiosk.i18n import Translator
from kiosk.paper.certificate import build_certificate, certificate_pdf, print_certificate, print_on
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


def test_the_certificate_adds_up_the_forms(forms: Services) -> None:
    cert = build_certificate(forms, "lukas", date(2026, 11, 1), date(2026, 11, 30), "lt")
    assert cert.hours.minutes == sum(m for _, m, _ in FORMS) == 135
    assert cert.hours.consultations == len(FORMS)
    assert dict(cert.facts) == {"Konsultacijų": "3", "Valandų": "2,25"}
    assert cert.scout == "Lukas P." and cert.library.startswith("Vilniaus apskrities")
    assert len(cert.topics) == 3 and cert.topics[0].endswith("(2)")
    text = "\n".join(cert.plain_lines())
    assert "2026" in text and "parašas" in text and "Savanorystės pažyma" in text


def test_the_certificate_in_english(forms: Services) -> None:
    cert = build_certificate(forms, "lukas", date(2026, 10, 1), date(2026, 11, 30), "en")
    assert dict(cert.facts) == {"Consultations": "4", "Hours": "3.75"}
    assert cert.title == "Certificate of volunteering"
    assert "Librarian's signature" in "\n".join(cert.plain_lines())


def test_certificate_pdf_and_receipt(forms: Services) -> None:
    pdf = certificate_pdf(forms, "lukas", date(2026, 11, 1), date(2026, 11, 30), "lt")
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    cert = build_certificate(forms, "lukas", date(2026, 11, 1), date(2026, 11, 30), "lt")
    printer = Dummy()
    print_on(cert, printer)
    out = printer.output
    assert "Lukas P.".encode("cp775") in out and "Valandų: 2,25".encode("cp775") in out
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
