"""The ticket's content, and that content on a receipt printer, in a PDF, an SVG, an image."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import warnings
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree

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
SVG = "{http://www.w3.org/2000/svg}"


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


def _pdf_pages(pdf: bytes) -> list[tuple[float, float, str]]:
    """Each page of ``pdf`` as (width pt, height pt, its text), read back with PDFium."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    return [(*page.get_size(), page.get_textpage().get_text_range()) for page in doc]


def _pdf_qr(pdf: bytes) -> list[str]:
    """The QR codes found on the PDF's first page rendered at 300 dpi."""
    import pypdfium2 as pdfium
    import zxingcpp

    image = pdfium.PdfDocument(pdf)[0].render(scale=300 / 72).to_pil().convert("L")
    return [r.text for r in zxingcpp.read_barcodes(image)]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _holds_every_line(text: str, content: TicketContent) -> None:
    flat = _flat(text)
    assert content.code in "".join(text.split())  # drawn spaced out: "C G C C A M"
    for line in content.lines:
        assert _flat(line.label) in flat and _flat(line.text) in flat, line.key
    assert _flat(content.library) in flat and _flat(content.arrive) in flat


@pytest.mark.parametrize("lang", ["lt", "en", "pl", "ru", "uk"])
def test_the_pdf_ticket_is_one_a6_page_with_the_code_the_qr_and_every_line(
    demo: Services, lang: str
) -> None:
    content = _content(demo, lang)
    pdf = ticket_pdf(content)
    pages = _pdf_pages(pdf)
    assert len(pages) == 1
    width, height, text = pages[0]
    assert (round(width), round(height)) == (298, 420)  # A6: 105 x 148 mm
    _holds_every_line(text, content)
    assert _pdf_qr(pdf) == [content.token]


def _word_gaps(pdf: bytes, words: str) -> list[float]:
    """The distance (pt) from each space to the next letter in the paragraph ``words``."""
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(pdf)[0].get_textpage()
    count = page.count_chars()
    chars = [page.get_text_range(i, 1) for i in range(count)]
    printed = "".join(chars)
    start = printed.index(words.split()[0] + " " + words.split()[1])
    end = start + len(words) + 4 * words.count(" ")  # room for the line breaks in between
    gaps = []
    for i in range(start, min(end, count - 1)):
        if chars[i] == " " and chars[i + 1].strip():
            gaps.append(page.get_charbox(i + 1)[0] - page.get_charbox(i)[2])
    return gaps


def test_the_pdf_ticket_is_left_aligned_never_justified(demo: Services) -> None:
    # A justified line stretches its spaces to the right margin ("schodami   w   dół"); left
    # aligned, every space of one paragraph is as wide as the next.
    content = _content(demo, "pl")
    long_way = "Piwnica: schodami w dół, potem drzwi po lewej stronie i korytarzem aż do końca"
    lines = tuple(
        replace(line, text=long_way) if line.key == "directions" else line for line in content.lines
    )
    pdf = ticket_pdf(replace(content, lines=lines))
    for paragraph in (content.arrive, long_way):
        gaps = _word_gaps(pdf, paragraph)
        assert len(gaps) > 8
        assert max(gaps) < 1.0, (paragraph, gaps)  # at most a letter's side bearing


@pytest.mark.parametrize("lang", ["lt", "en", "pl", "ru", "uk"])
def test_the_demo_librarys_longest_texts_fit_one_page_uncut(demo: Services, lang: str) -> None:
    content = _content(demo, lang)
    topics, places = demo.booking.topics(), demo.catalog.places()
    longest = {
        "topic": max((t.name(lang) for t in topics), key=len),
        "bring": max((t.bring(lang) for t in topics), key=len),
        "place": max((p.label(lang) for p in places), key=len),
        "directions": max((p.how_to_find(lang) for p in places), key=len),
    }
    lines = tuple(replace(line, text=longest.get(line.key, line.text)) for line in content.lines)
    pdf = ticket_pdf(replace(content, lines=lines))
    pages = _pdf_pages(pdf)
    assert len(pages) == 1 and "…" not in pages[0][2]
    _holds_every_line(pages[0][2], replace(content, lines=lines))
    assert _pdf_qr(pdf) == [content.token]


def test_the_longest_ticket_still_fits_one_page_with_its_code_and_qr(demo: Services) -> None:
    content = _content(demo, "lt")
    # The longest texts the forms allow (places 60, directions 160, what to bring 120
    # characters), a long library name: the type gets smaller, the page stays one.
    longest = replace(
        content,
        library="Vilniaus apskrities Adomo Mickevičiaus viešoji biblioteka, Trakų g. 10",
        lines=tuple(replace(line, text=_longest(line.key, line.text)) for line in content.lines),
    )
    pdf = ticket_pdf(longest)
    pages = _pdf_pages(pdf)
    assert len(pages) == 1
    _holds_every_line(pages[0][2], longest)
    assert _pdf_qr(pdf) == [content.token]
    # Far beyond what any form allows: cut with "…", still one page, the code and QR kept.
    absurd = replace(
        content,
        library="Biblioteka " * 40,
        lines=tuple(replace(line, text=f"{line.text} " * 30) for line in content.lines),
    )
    pdf = ticket_pdf(absurd)
    pages = _pdf_pages(pdf)
    assert len(pages) == 1
    text = pages[0][2]
    assert content.code in "".join(text.split()) and "…" in text
    assert all(line.label in text for line in content.lines)
    assert _pdf_qr(pdf) == [content.token]


def _longest(key: str, text: str) -> str:
    most = {"place": 60, "directions": 160, "bring": 120}.get(key)
    if most is None:
        return text
    words = ("Skaitykla, trečias aukštas, pro laiptus į kairę, paskui koridoriumi " * 5).split()
    long = ""
    for word in words:
        if len(f"{long} {word}".strip()) > most:
            break
        long = f"{long} {word}".strip()
    return long


@pytest.mark.parametrize("lang", ["lt", "ru", "pl"])
def test_the_svg_draws_its_letters_from_the_bundled_font(demo: Services, lang: str) -> None:
    # No <text> in a font the viewer must have: every letter is the bundled font's outline.
    from fontTools.ttLib import TTFont

    from kiosk.paper.ticket_render import REGULAR

    content = _content(demo, lang)
    svg = ticket_svg(content)
    assert "<text" not in svg and "font-family" not in svg
    letters = {ch for line in content.plain_lines() for ch in line if not ch.isspace()}
    cmap = TTFont(str(REGULAR)).getBestCmap()
    assert all(ord(ch) in cmap for ch in letters)
    root = ElementTree.fromstring(svg.split("\n", 1)[1])
    paths = {p.get("id"): p.get("d") for p in root.iter(f"{SVG}path")}
    uses = [u.get("href", "")[1:] for u in root.iter(f"{SVG}use")]
    assert paths and all(paths.get(gid) for gid in uses)  # every placed glyph has an outline
    # One glyph drawn per letter that is not a space, row by row.
    labels = [g.get("aria-label") for g in root.iter(f"{SVG}g") if g.get("aria-label")]
    assert sum(len(label.replace(" ", "")) for label in labels) == len(uses)
    assert _flat(" ".join(labels)).count(content.code) == 1


def test_the_svg_prints_its_letters_and_qr_on_a_machine_with_no_fonts(
    demo: Services, tmp_path: Path
) -> None:
    rsvg = shutil.which("rsvg-convert")
    if rsvg is None:
        pytest.skip("rsvg-convert (librsvg2-bin) is not installed")
    import zxingcpp
    from PIL import Image

    content = _content(demo, "ru")
    svg = tmp_path / "ticket.svg"
    svg.write_text(ticket_svg(content))
    # A font configuration that finds no font at all: text in a font would come out as boxes.
    (tmp_path / "fonts.conf").write_text(
        '<?xml version="1.0"?><fontconfig><dir>/nonexistent</dir>'
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>"
    )
    no_fonts = {**os.environ, "FONTCONFIG_FILE": str(tmp_path / "fonts.conf")}
    drawn = {}
    for name, env in (("fonts", dict(os.environ)), ("no_fonts", no_fonts)):
        png = tmp_path / f"{name}.png"
        subprocess.run([rsvg, "-o", str(png), str(svg)], check=True, env=env)
        drawn[name] = Image.open(png).convert("L")
    assert [r.text for r in zxingcpp.read_barcodes(drawn["no_fonts"])] == [content.token]
    # The same picture with or without fonts on the machine: the letters need none.
    assert drawn["fonts"].tobytes() == drawn["no_fonts"].tobytes()
    assert drawn["no_fonts"].getextrema()[0] == 0  # and it is not blank


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
