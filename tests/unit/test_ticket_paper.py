"""The ticket's content, and that content on a receipt printer, in a PDF, an SVG, an image."""

from __future__ import annotations

import os
import stat
import warnings
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from escpos.printer import Dummy

from kiosk.domain.booking import Ticket
from kiosk.domain.errors import ErrorCode, ValidationError
from kiosk.domain.models import Settings
from kiosk.domain.ticket_content import TicketContent, first_name
from kiosk.paper.printing import (
    CODE_PAGE,
    PrinterError,
    check_printer_settings,
    code_page_for,
    print_configured,
    print_ticket,
    printable,
    printer_configured,
)
from kiosk.paper.ticket_render import ticket_image, ticket_pdf, ticket_svg
from kiosk.services import Services
from tests.conftest import NOW

LITHUANIAN = "ąčęėįšųūž ĄČĘĖĮŠŲŪŽ"


def _ticket(demo: Services, topic: str = "smartphone") -> Ticket:
    slot = demo.booking.first_free(topic)
    assert slot is not None
    return demo.booking.book(topic, slot.start, "Ona", scout=slot.scout)


def _content(demo: Services, lang: str = "lt") -> TicketContent:
    ticket = _ticket(demo)
    return demo.catalog.ticket_content(ticket.booking, ticket.token, lang)


# -- the content ---------------------------------------------------------------------


def test_the_ticket_says_topic_when_place_directions_scout_and_what_to_bring(
    demo: Services,
) -> None:
    ticket = _ticket(demo)
    booking = ticket.booking
    content = demo.catalog.ticket_content(booking, ticket.token, "lt")
    place = demo.catalog.place(booking.place)
    topic = demo.booking.topic("smartphone")
    scout = demo.booking.scout(booking.scout)
    assert place is not None
    assert content.code == booking.code and content.token == ticket.token
    assert content.text("topic") == "Išmanusis telefonas"
    assert content.text("when").startswith("Šiandien, ") == (booking.starts.date() == NOW.date())
    assert content.text("place") == booking.place
    assert content.text("directions") == place.how_to_find("lt")
    assert content.text("bring") == topic.bring("lt")
    # The e-scout's first name only: "Ieva", never "Ieva K."
    assert content.text("scout") == first_name(scout.name) and "." not in content.text("scout")
    # The arrival words name the start screen's real check-in button.
    assert "„Atvykau į konsultaciją“" in content.arrive


def test_an_english_ticket_keeps_the_lithuanian_place_name(demo: Services) -> None:
    content = _content(demo, "en")
    ticket_place = content.text("place")
    assert ticket_place.startswith(("Skaitykla", "Kompiuterių", "Informacijos", "Jaunimo"))
    assert "(" in ticket_place  # the English name beside it
    assert content.line("directions") is not None
    assert content.line("directions").label == "How to find it:"  # type: ignore[union-attr]
    assert "“I have arrived”" in content.arrive


def test_a_place_without_a_record_still_shows_its_name_without_directions(
    demo: Services,
) -> None:
    ticket = _ticket(demo)
    moved = replace(ticket.booking, place="Palėpė")
    content = demo.catalog.ticket_content(moved, ticket.token, "lt")
    assert content.text("place") == "Palėpė" and content.line("directions") is None


def test_tomorrow_is_said_when_true(demo: Services) -> None:
    ticket = _ticket(demo)
    later = replace(
        ticket.booking,
        start=(NOW + timedelta(days=1)).isoformat(),
        end=(NOW + timedelta(days=1, minutes=30)).isoformat(),
    )
    assert demo.catalog.ticket_content(later, "", "lt").text("when").startswith("Rytoj, ")
    assert demo.catalog.ticket_content(later, "", "en").text("when").startswith("Tomorrow, ")


# -- the receipt printer -------------------------------------------------------------


def _with_letters(content: TicketContent) -> TicketContent:
    lines = tuple(
        replace(line, text=f"{line.text} {LITHUANIAN}") if line.key == "bring" else line
        for line in content.lines
    )
    return replace(content, lines=lines)


def test_the_printer_gets_the_tokens_qr_and_every_lithuanian_letter(demo: Services) -> None:
    content = _with_letters(_content(demo))
    printer = Dummy()
    print_ticket(content, printer)
    out = printer.output
    # The printer's own QR command ("store data": GS ( k pL pH 1 P 0 <data>) with the token.
    assert b"\x1d(k" in out and b"1P0" + content.token.encode("ascii") in out
    # The Baltic code page is selected, and the letters arrive in it, not as "?".
    assert b"\x1bt" in out
    for word in LITHUANIAN.split():  # (a line may wrap between the two words)
        assert word.encode(CODE_PAGE) in out
    assert "Išmanusis telefonas".encode(CODE_PAGE) in out
    assert content.code.encode("ascii") in out.replace(b" ", b"")
    assert out.rstrip().endswith(printer.output[-4:])  # and the paper is cut at the end
    assert b"\x1dV" in out


def _printed(demo: Services, lang: str) -> tuple[TicketContent, bytes]:
    content = _content(demo, lang)
    printer = Dummy()
    print_ticket(content, printer)
    return content, printer.output


def _selects(out: bytes, page: str) -> bool:
    """Whether ``out`` selects ``page`` (ESC t n) with the number the generic profile gives it."""
    number = int(Dummy().profile.get_code_pages()[page])
    return b"\x1bt" + bytes([number]) in out


def test_a_russian_ticket_prints_in_cp866_with_the_place_name_unaccented(demo: Services) -> None:
    content, out = _printed(demo, "ru")
    assert code_page_for(content) == "CP866" and _selects(out, "CP866")
    assert content.line("topic").label == "Тема:"  # type: ignore[union-attr]
    for text in ("Тема:", "Как найти:", "Что взять с собой:", content.text("topic")):
        assert text.encode("cp866") in out
    # "Kompiuterių klasė" has no CP866 letters for ų ė: it prints without the accents.
    place = printable(content.text("place"), "CP866")
    assert "?" not in place and place.encode("cp866") in out.replace(b"\n", b" ")


def test_a_ukrainian_ticket_prints_in_cp1125_with_і_and_ї(demo: Services) -> None:
    content, out = _printed(demo, "uk")
    assert code_page_for(content) == "CP1125" and _selects(out, "CP1125")
    for text in ("Місце:", "Що взяти з собою:", "Вас зустріне:"):
        assert text.encode("cp1125") in out


def test_a_polish_ticket_prints_every_polish_letter_in_the_baltic_page(demo: Services) -> None:
    content, out = _printed(demo, "pl")
    assert code_page_for(content) == CODE_PAGE and _selects(out, CODE_PAGE)
    polish = "ąćęłńóśźż ĄĆĘŁŃÓŚŹŻ"
    assert printable(polish, CODE_PAGE) == polish
    for text in ("Co zabrać ze sobą:", "Jak trafić:", content.text("topic")):
        assert text.encode(CODE_PAGE) in out


def test_what_a_page_lacks_prints_plain_never_as_a_wrong_letter() -> None:
    assert printable("Kompiuterių klasė", "CP866") == "Kompiuteriu klase"
    assert printable("«Смартфон» – 10:00", "CP866") == '"Смартфон" - 10:00'
    assert printable("Тест ✓", "CP866") == "Тест ?"


class _Jammed(Dummy):
    def _raw(self, msg: bytes) -> None:
        raise OSError(5, "Input/output error")


def test_a_printer_failure_is_one_clear_refusal(demo: Services) -> None:
    with pytest.raises(PrinterError) as failed:
        print_ticket(_content(demo), _Jammed())
    assert failed.value.code == ErrorCode.PRINTER_FAILED


def test_print_configured_opens_the_configured_printer(
    demo: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    printer = Dummy()
    monkeypatch.setattr("kiosk.paper.printing.open_printer", lambda settings: printer)
    settings = replace(Settings(), printer_kind="network", printer_host="192.0.2.10")
    content = _content(demo)
    print_configured(content, settings)
    assert content.token.encode("ascii") in printer.output
    with pytest.raises(PrinterError):
        print_configured(content, Settings())  # none configured


def test_printer_settings_are_checked_for_their_kind() -> None:
    assert not printer_configured(Settings())
    usb = replace(Settings(), printer_kind="usb", printer_usb_vendor="04b8")
    with pytest.raises(ValidationError) as refused:
        check_printer_settings(usb)
    assert refused.value.code == ErrorCode.BAD_PRINTER
    ok = replace(usb, printer_usb_product="0x0202")
    assert check_printer_settings(ok) is ok and printer_configured(ok)
    with pytest.raises(ValidationError):
        check_printer_settings(replace(Settings(), printer_kind="serial"))
    with pytest.raises(ValidationError):
        check_printer_settings(replace(Settings(), printer_kind="network", printer_host=" "))
    with pytest.raises(ValidationError):
        check_printer_settings(replace(Settings(), printer_kind="bluetooth"))


# -- paper: image, PDF, SVG ----------------------------------------------------------


def test_the_rendered_ticket_image_scans_to_the_token(demo: Services) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    content = _content(demo)
    image = ticket_image(content)
    found = [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]
    assert found == [content.token]
    assert image.width == 576  # 80 mm receipt paper


def test_the_pdf_carries_the_qr_and_a_unicode_font(demo: Services) -> None:
    pdf = ticket_pdf(_content(demo))
    assert pdf.startswith(b"%PDF-")
    assert b"/Subtype /Image" in pdf  # the QR
    assert b"SourceSansPro" in pdf  # embedded, so ą č ę print on any machine


@pytest.mark.parametrize("lang", ["ru", "uk", "pl"])
def test_the_pdf_font_has_every_letter_of_a_cyrillic_or_polish_ticket(
    demo: Services, lang: str
) -> None:
    from fontTools.ttLib import TTFont

    from kiosk.paper.ticket_render import BOLD, REGULAR

    content = _content(demo, lang)
    letters = {ch for line in content.plain_lines() for ch in line if not ch.isascii()}
    for font in (REGULAR, BOLD):
        cmap = TTFont(str(font)).getBestCmap()
        assert not sorted(ch for ch in letters if ord(ch) not in cmap), (lang, font.name)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # fpdf2 warns of every glyph its font lacks
        pdf = ticket_pdf(content)
    assert pdf.startswith(b"%PDF-") and b"SourceSansPro" in pdf


def test_the_svg_has_the_same_lines_as_the_screen(demo: Services) -> None:
    content = _content(demo)
    svg = ticket_svg(content)
    for text in (content.code, content.text("topic"), "Kaip rasti:", "Ką atsinešti:"):
        assert text in svg


# -- the command line ----------------------------------------------------------------


def test_ticket_pdf_and_svg_from_the_command_line(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("seed-demo")
    slot = cli("slots", "--topic", "email")[1][0]
    booked = cli("book", "--topic", "email", "--start", slot["start"], "--name", "Ona")[1]
    pdf, svg = tmp_path / "t.pdf", tmp_path / "t.svg"
    old = os.umask(0)
    try:
        rc, out, _ = cli("ticket", booked["code"], "--pdf", str(pdf), "--svg", str(svg))
    finally:
        os.umask(old)
    assert rc == 0 and out["pdf"] == str(pdf) and out["svg"] == str(svg)
    assert pdf.read_bytes().startswith(b"%PDF-") and "Kaip rasti:" in svg.read_text()
    assert stat.S_IMODE(pdf.stat().st_mode) == 0o600
    assert cli("check-in", out["token"])[1]["result"] == "ok"  # the new ticket is the valid one
    rc, _, err = cli("ticket", booked["code"])
    assert rc != 0 and "--pdf" in err


def test_ticket_pdf_refuses_a_link(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("seed-demo")
    slot = cli("slots", "--topic", "email")[1][0]
    booked = cli("book", "--topic", "email", "--start", slot["start"], "--name", "Ona")[1]
    target = tmp_path / "elsewhere.pdf"
    link = tmp_path / "t.pdf"
    link.symlink_to(target)
    rc, _, err = cli("ticket", booked["code"], "--pdf", str(link))
    assert rc != 0 and "symbolic link" in err and not target.exists()
    assert cli("check-in", booked["token"])[1]["result"] == "ok"  # the old ticket still holds
