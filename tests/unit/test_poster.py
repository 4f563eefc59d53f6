"""The wall poster: a week's free e-scout times by topic and place, on one A4 or A3 page."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.domain.models import Slot
from kiosk.domain.week_times import monday_of, spans, week_times
from kiosk.i18n import Translator
from kiosk.services import Services
from tests.conftest import NOW
from tests.unit.conftest import Cli

MONDAY = monday_of(NOW.date())  # NOW is a Tuesday


def _slot(day: int, start: str, end: str, place: str = "Skaitykla, 1 stalas") -> Slot:
    base = NOW.replace(day=NOW.day + day)
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return Slot(base.replace(hour=h1, minute=m1), base.replace(hour=h2, minute=m2), "s1", place)


def test_free_slots_back_to_back_or_overlapping_make_one_span() -> None:
    joined = spans(
        [
            _slot(0, "10:30", "11:00"),
            _slot(0, "10:00", "10:30"),
            _slot(0, "10:15", "10:45"),  # another e-scout's, overlapping
            _slot(0, "12:00", "12:30"),  # a gap: a new span
            _slot(1, "12:30", "13:00"),  # the next day: a new span
        ]
    )
    assert [(s.start.strftime("%d %H:%M"), s.end.strftime("%H:%M")) for s in joined] == [
        ("24 10:00", "11:00"),
        ("24 12:00", "12:30"),
        ("25 12:30", "13:00"),
    ]


def test_the_week_holds_exactly_the_kiosks_free_times_of_those_seven_days(
    demo: Services,
) -> None:
    weeks = week_times(demo.booking, MONDAY)
    assert weeks and MONDAY.weekday() == 0
    for week in weeks:
        free = [
            s
            for s in demo.booking.free_slots(week.topic.slug, first_day=MONDAY, days=7)
            if s.start.date() < MONDAY + timedelta(days=7)
        ]
        listed = {place.place: place.spans for place in week.places}
        assert set(listed) == {s.place for s in free}
        for slot in free:  # every free time is inside a span of its place ...
            assert any(sp.start <= slot.start and slot.end <= sp.end for sp in listed[slot.place])
        for place, place_spans in listed.items():  # ... and every span is made of free times
            assert place_spans == spans(s for s in free if s.place == place)
            assert all(sp.start >= NOW for sp in place_spans)
    # Monday is past, and Sunday is closed: neither has a time.
    days = {sp.start.date() for w in weeks for p in w.places for sp in p.spans}
    assert MONDAY not in days and MONDAY + timedelta(days=6) not in days


def _pages(pdf: Path) -> list[tuple[float, float, str]]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf.read_bytes())
    return [(*page.get_size(), page.get_textpage().get_text_range()) for page in doc]


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("a3", "size"), [(False, (595, 842)), (True, (842, 1191))])
def test_the_poster_is_one_page_with_the_weeks_times_and_topics(
    cli: Cli, demo_cli: None, tmp_path: Path, a3: bool, size: tuple[int, int]
) -> None:
    target = tmp_path / "poster.pdf"
    rc, out, err = cli("poster", "--pdf", str(target), *(["--a3"] if a3 else []))
    assert rc == 0, err
    assert out == {
        "pdf": str(target),
        "week": MONDAY.isoformat(),
        "lang": "lt",
        "size": "A3" if a3 else "A4",
        "topics": out["topics"],  # type: ignore[index]
        "times": out["times"],  # type: ignore[index]
    }
    pages = _pages(target)
    assert len(pages) == 1
    width, height, text = pages[0]
    assert (round(width), round(height)) == size
    flat = _flat(text)
    assert "E. skautai padės" in flat and "„Prisijungusi Lietuva“" in flat
    assert "Kaip užsiregistruoti?" in flat and "Registracijos kioske" in flat
    assert "paskambinkite" not in flat  # no desk phone set: no line for it
    _holds_the_week(cli, flat, MONDAY, "lt")


def test_the_poster_gives_the_desks_phone_when_the_library_set_one(
    cli: Cli, demo_cli: None, tmp_path: Path
) -> None:
    assert cli("config", "set", "library_phone", "852123456")[0] == 0
    target = tmp_path / "poster.pdf"
    assert cli("poster", "--pdf", str(target), "--lang", "en")[0] == 0
    flat = _flat(_pages(target)[0][2])
    assert "Or call the library: +370 5 212 3456." in flat


def _holds_the_week(cli: Cli, flat: str, first_day: date, lang: str) -> None:
    """Every topic with a free time that week is named, and every free time is within a
    span printed on the poster."""
    topics = cli("topics", "--lang", lang)[1]
    assert isinstance(topics, list)
    seen = 0
    for topic in topics:
        slots = cli(
            "slots", "--topic", topic["slug"], "--date", first_day.isoformat(), "--days", "7"
        )[1]
        assert isinstance(slots, list)
        week = [s for s in slots if s["start"][:10] < (first_day + timedelta(days=7)).isoformat()]
        if not week:
            continue
        assert topic["name"] in flat
        for slot in week:
            assert f"{slot['place']}:" in flat
            seen += 1
        # The first time of the topic starts a printed span.
        assert week[0]["start"][11:16] + "–" in flat
    assert seen > 10


def test_the_poster_in_russian_next_week_and_black_on_white(
    cli: Cli, demo_cli: None, tmp_path: Path
) -> None:
    import pypdfium2 as pdfium
    from PIL import ImageChops

    target = tmp_path / "poster.pdf"
    next_week = MONDAY + timedelta(days=7)
    rc, out, _ = cli(
        "poster", "--pdf", str(target), "--lang", "ru", "--week", next_week.isoformat()
    )
    assert rc == 0 and out["week"] == next_week.isoformat()  # type: ignore[index]
    ((_, _, text),) = _pages(target)
    flat = _flat(text)
    t = Translator("ru")
    assert t("v.poster.title") in flat and t("v.poster.how_title") in flat
    _holds_the_week(cli, flat, next_week, "ru")
    # Printable in black and white: no colour anywhere on the rendered page.
    image = pdfium.PdfDocument(target.read_bytes())[0].render(scale=1).to_pil().convert("RGB")
    red, green, blue = image.split()
    assert ImageChops.difference(red, green).getbbox() is None
    assert ImageChops.difference(green, blue).getbbox() is None


def test_a_week_with_no_free_time_says_so(cli: Cli, demo_cli: None, tmp_path: Path) -> None:
    target = tmp_path / "poster.pdf"
    past = MONDAY - timedelta(days=14)
    rc, out, _ = cli("poster", "--pdf", str(target), "--lang", "en", "--week", past.isoformat())
    assert rc == 0 and out["times"] == 0  # type: ignore[index]
    ((_, _, text),) = _pages(target)
    assert _flat(Translator("en")("v.poster.none")) in _flat(text)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--lang", "de"], "no language 'de'"),
        (["--week", "2026-13-01"], "--week: not a date"),
        (["--week", "tomorrow"], "--week: not a date"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    cli: Cli, demo_cli: None, tmp_path: Path, args: list[str], said: str
) -> None:
    target = tmp_path / "poster.pdf"
    rc, out, err = cli("poster", "--pdf", str(target), *args)
    assert rc == 2 and out is None and said in err and err.count("\n") == 1
    assert not target.exists()


def test_the_poster_needs_a_file_and_never_follows_a_link(
    cli: Cli, demo_cli: None, tmp_path: Path
) -> None:
    rc, _, err = cli("poster")
    assert rc == 2 and "--pdf" in err
    target, link = tmp_path / "elsewhere.pdf", tmp_path / "poster.pdf"
    link.symlink_to(target)
    rc, _, err = cli("poster", "--pdf", str(link))
    assert rc == 2 and "symbolic link" in err and not target.exists()


@pytest.fixture
def demo_cli(cli: Cli) -> None:
    assert cli("seed-demo")[0] == 0
