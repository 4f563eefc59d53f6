"""What the data may hold: settings within their ranges, seats, plain free text, names a
person can read."""

from __future__ import annotations

import dataclasses
import unicodedata
from datetime import date, timedelta

import pytest

from kiosk.domain.activity import ActivityDraft
from kiosk.domain.errors import ErrorCode, ValidationError
from kiosk.domain.models import (
    SETTING_RANGES,
    Closure,
    DatedException,
    ExceptionKind,
    Place,
    Settings,
    Topic,
    WeeklyTime,
)
from kiosk.domain.validation import (
    check_number,
    check_scout_name,
    check_settings,
    clean_name,
    parse_day,
    parse_setting,
    plain_text,
)
from kiosk.i18n import Translator
from kiosk.services import Services
from screens.common import refusal_words
from screens.librarian.settings import NUMBERS, PRINTER_NUMBERS
from tests.conftest import NOW, put_booking

# What an attacker typed into free text: a terminal escape, a bell, C1's CSI, bidi overrides,
# embeddings, isolates and marks, zero-width characters, a BOM, a soft hyphen, a Hangul filler.
HOSTILE = (
    "\x1b[2J",
    "\x07",
    "\x9b",
    "\x00",
    "\x7f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u200e",
    "\u200f",
    "\u061c",
    "\u200b",
    "\u2060",
    "\ufeff",
    "\u00ad",
    "\u3164",
)


def _hidden(text: str) -> list[str]:
    """The characters of ``text`` a reader would not see (or that turn a line around)."""
    return [
        ch
        for ch in text
        if unicodedata.category(ch) in ("Cc", "Cf") or ch in ("\u3164", "\u115f", "\uffa0")
    ]


# -- settings -----------------------------------------------------------------------------


def test_the_settings_tab_uses_the_domain_ranges() -> None:
    for name, low, high in [*NUMBERS, *PRINTER_NUMBERS]:
        assert SETTING_RANGES[name] == (low, high)


def test_every_whole_number_setting_has_a_range_and_the_defaults_are_in_it() -> None:
    numbers = {
        f.name for f in dataclasses.fields(Settings) if f.type == "int" and f.name != "version"
    }
    assert numbers == set(SETTING_RANGES)
    assert check_settings(Settings()) == Settings()


@pytest.mark.parametrize("name", sorted(SETTING_RANGES))
def test_a_save_refuses_a_setting_out_of_range_naming_it(demo: Services, name: str) -> None:
    low, high = SETTING_RANGES[name]
    for value in (low, high):
        saved = demo.catalog.save_settings(
            dataclasses.replace(demo.catalog.settings(), **{name: value})
        )
        assert getattr(saved, name) == value
    before = demo.catalog.settings()
    for value in (low - 1, high + 1, 10**12, float(low), True):
        with pytest.raises(ValidationError) as refused:
            demo.catalog.save_settings(dataclasses.replace(before, **{name: value}))
        assert refused.value.code == ErrorCode.NUMBER_RANGE
        assert refused.value.field == name and name in refused.value.message
        assert "\n" not in refused.value.message
    assert demo.catalog.settings() == before  # nothing was written


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"languages": []}, ErrorCode.BAD_LANGUAGES),
        ({"languages": ["LT"]}, ErrorCode.BAD_LANGUAGES),
        ({"library_name": " \x1b "}, ErrorCode.LIBRARY_NAME),
    ],
)
def test_a_save_refuses_settings_the_kiosk_cannot_show(
    demo: Services, change: dict[str, object], code: ErrorCode
) -> None:
    with pytest.raises(ValidationError) as refused:
        demo.catalog.save_settings(dataclasses.replace(demo.catalog.settings(), **change))
    assert refused.value.code == code


def test_a_save_makes_the_settings_texts_plain(demo: Services) -> None:
    saved = demo.catalog.save_settings(
        dataclasses.replace(
            demo.catalog.settings(),
            library_name="Biblioteka\u202e \x1b[31mX",
            municipality="Vilniaus\x07 m. sav.",
        )
    )
    assert saved.library_name == "Biblioteka [31mX" and saved.municipality == "Vilniaus m. sav."
    assert demo.catalog.settings().library_name == "Biblioteka [31mX"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("30", 30), (" 14 ", 14), ("090", 90), ("1", 1)],
)
def test_a_setting_typed_as_text(raw: str, expected: int) -> None:
    assert parse_setting("horizon_days", raw) == expected


@pytest.mark.parametrize("raw", ["", "0", "91", "-5", "1e3", "abc", "\u00b2", "\u0663", "9" * 5000])
def test_a_setting_typed_as_text_out_of_range_is_one_refusal(raw: str) -> None:
    # "²" and "٣" count as digits to str.isdigit(); a 5000-digit number is past int()'s limit.
    with pytest.raises(ValidationError) as refused:
        parse_setting("horizon_days", raw)
    assert refused.value.code == ErrorCode.NUMBER_RANGE
    assert refused.value.details == {"field": "horizon_days", "low": 1, "high": 90}


def test_check_number_never_raises_anything_but_a_refusal() -> None:
    for raw in ("\u00b2", "9" * 5000):
        with pytest.raises(ValidationError):
            check_number("Slot length", raw, 10, 120)


# -- seats, dates ----------------------------------------------------------------------


def test_seats_are_one_to_eight(demo: Services) -> None:
    weekly = WeeklyTime("w-seats", "lukas", 4, "14:00", "15:00", "Skaitykla")
    assert demo.catalog.save_weekly_time(dataclasses.replace(weekly, seats=8)).seats == 8
    extra = DatedException("x-seats", "lukas", "2026-11-27", ExceptionKind.EXTRA, "16:00", "17:00")
    for seats in (0, 9, 1000, -1):
        with pytest.raises(ValidationError) as refused:
            demo.catalog.save_weekly_time(dataclasses.replace(weekly, id="w2", seats=seats))
        assert refused.value.field == "seats"
        with pytest.raises(ValidationError):
            demo.catalog.save_exception(dataclasses.replace(extra, seats=seats))
    assert [w.seats for w in demo.catalog.weekly_times("lukas") if w.id in ("w-seats", "w2")] == [8]
    assert all(e.id != "x-seats" for e in demo.catalog.exceptions())


@pytest.mark.parametrize("raw", ["9999-12-31", "9900-01-01", "0001-01-01", "1899-12-31"])
def test_a_typed_date_outside_the_kiosks_calendar_is_refused(raw: str) -> None:
    with pytest.raises(ValidationError) as refused:
        parse_day(raw, "first")
    assert refused.value.code == ErrorCode.BAD_DATE and "first" in refused.value.message
    assert parse_day("9899-12-31") == date(9899, 12, 31)


# -- free text ----------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE)
def test_plain_text_keeps_what_can_be_seen(hostile: str) -> None:
    text = plain_text(f"Ji buvo{hostile} skaitykloje")
    assert not _hidden(text)
    assert text in ("Ji buvo skaitykloje", "Ji buvo[2J skaitykloje")


def test_plain_text_keeps_letters_of_every_script_and_one_line() -> None:
    assert plain_text(" Ąžuolas\tЇжак\n\u2028Łucja  नमस्ते 😀 ") == "Ąžuolas Їжак Łucja नमस्ते 😀"


def test_an_undo_reason_is_stored_plain(demo: Services) -> None:
    put_booking(demo, code="UNDOXX", start=NOW - timedelta(minutes=20))
    demo.desk.mark_no_show("UNDOXX")
    back = demo.desk.undo("UNDOXX", "Ji\x1b[2J\x07 atėjo \u202eesel\u202c vėliau")
    assert back.changes[-1]["reason"] == "Ji[2J atėjo esel vėliau"
    assert demo.booking.lookup("UNDOXX").changes[-1]["reason"] == "Ji[2J atėjo esel vėliau"


def test_a_reason_of_only_hidden_characters_is_no_reason(demo: Services) -> None:
    put_booking(demo, code="UNDOXY", start=NOW - timedelta(minutes=20))
    demo.desk.mark_no_show("UNDOXY")
    with pytest.raises(ValidationError) as refused:
        demo.desk.undo("UNDOXY", "\x1b\x07\u202e\u3164")
    assert refused.value.code == ErrorCode.REASON_REQUIRED


def test_every_free_text_the_catalogue_stores_is_plain(demo: Services) -> None:
    bad = "A\x1b]0;x\x07\u202eB\u2066C\u200bD\ufeff\x9bE"
    catalog = demo.catalog
    catalog.save_closure(Closure("c-plain", "2026-12-01", "2026-12-01", bad))
    catalog.save_exception(
        DatedException(
            "x-plain", "lukas", "2026-12-02", ExceptionKind.EXTRA, "16:00", "17:00", bad, bad
        )
    )
    catalog.save_weekly_time(WeeklyTime("w-plain", "lukas", 4, "18:00", "19:00", bad))
    catalog.save_place(Place(bad, {"en": bad}, {"lt": bad}))
    scout = next(s for s in catalog.scouts() if s.id == "lukas")
    catalog.save_scout(dataclasses.replace(scout, contact=bad))
    catalog.save_topic(Topic("plain", {"lt": bad}, {"lt": bad}, what_to_bring={"lt": bad}), True)
    texts = [
        *(c.reason for c in catalog.closures()),
        *(f"{e.place} {e.note}" for e in catalog.exceptions()),
        *(w.place for w in catalog.weekly_times()),
        *(f"{p.name} {p.names} {p.directions}" for p in catalog.places()),
        *(s.contact for s in catalog.scouts()),
        *(f"{t.names} {t.descriptions} {t.what_to_bring}" for t in catalog.topics()),
    ]
    assert sum("A]0;xBCDE" in text for text in texts) >= 6
    assert not [text for text in texts if _hidden(text)]


def test_an_activity_note_and_a_help_call_are_stored_plain(demo: Services) -> None:
    record = demo.activity.record(
        ActivityDraft(
            date=NOW.date(),
            scout="lukas",
            minutes=30,
            topics=["e-banking"],
            age_group="65_74",
            outcome="solved",
            note="Mokėmės\u202e pervesti\x1b[5m pinigus",
        )
    )
    assert record.note == "Mokėmės pervesti[5m pinigus"
    call = demo.helpcalls.call("Kioskas\x1b]2;pwned\x07 prie\u2067 įėjimo")
    assert call.kiosk == "Kioskas]2;pwned prie įėjimo"


# -- names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "Nguyễn Thị Ệ",
        "E\u0302\u0323",  # Ệ typed as E and its two marks
        "अनुष्का",
        "Zoë",
        "Ona",
        "Ą̃žuolas Ė́",  # Lithuanian accentuation: ogonek and tilde, dot and acute
        "ΐ",
    ],
)
def test_names_with_the_marks_their_script_needs(raw: str) -> None:
    assert clean_name(raw) == unicodedata.normalize("NFC", raw)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("\u3164", "name_control"),  # a Hangul filler: a "letter" that shows nothing
        ("\u3164\u3164 \u3164", "name_control"),
        ("\u115f", "name_control"),
        ("\uffa0", "name_control"),
        ("Ona\u3164", "name_control"),
        ("A" + "\u0301" * 39, "name_chars"),  # zalgo: 39 marks on one letter
        ("Ona" + "\u0300\u0301\u0302", "name_chars"),  # three on one
        ("Ona \u0301", "name_chars"),  # a mark on a space
        ("Z\u0351\u0352a\u0353\u0354\u0355l", "name_chars"),
    ],
)
def test_a_name_must_show_its_letters(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        clean_name(raw)
    assert refused.value.code == code and refused.value.field == "name"
    assert "\n" not in refused.value.message


@pytest.mark.parametrize("raw", ["\u3164", "Ieva\u3164 K.", "I" + "\u0301" * 5 + "eva K.", ". ."])
def test_an_e_scouts_name_must_show_its_letters(raw: str) -> None:
    with pytest.raises(ValidationError) as refused:
        check_scout_name(raw)
    assert refused.value.code == ErrorCode.SCOUT_NAME


@pytest.mark.parametrize("lang", ["lt", "en", "ru", "uk", "pl"])
@pytest.mark.parametrize("raw", ["\u3164", "A" + "\u0301" * 39])
def test_the_details_screen_says_why_in_the_visitors_language(lang: str, raw: str) -> None:
    with pytest.raises(ValidationError) as refused:
        clean_name(raw)
    t = Translator(lang)
    words = refusal_words(t, refused.value)
    assert words == t(f"v.err.{refused.value.code}") and words != f"v.err.{refused.value.code}"
    assert words != t("v.err.generic")


def test_a_text_left_empty_once_made_plain_is_refused_not_stored(demo: Services) -> None:
    """A save never leaves a record a start would refuse (a topic without a name...)."""
    hidden = "\u200b\u202e\x1b"
    refusals = (
        (lambda: demo.catalog.save_topic(Topic("hidden", {"lt": hidden}), True), "topic_name"),
        (lambda: demo.catalog.save_place(Place(hidden)), "place_required"),
        (
            lambda: demo.catalog.save_weekly_time(
                WeeklyTime("w9", "lukas", 4, "18:00", "19:00", hidden)
            ),
            "place_required",
        ),
    )
    for save, code in refusals:
        with pytest.raises(ValidationError) as refused:
            save()
        assert refused.value.code == code
    scout = next(s for s in demo.catalog.scouts() if s.id == "lukas")
    with pytest.raises(ValidationError) as refused:
        demo.catalog.save_scout(dataclasses.replace(scout, name="\u3164"))
    assert refused.value.code == ErrorCode.SCOUT_NAME
    assert all(t.slug != "hidden" for t in demo.catalog.topics())
    demo.catalog.save_topic(Topic("shown", {"lt": "Tema", "en": hidden}), True)
    assert next(t for t in demo.catalog.topics() if t.slug == "shown").names == {"lt": "Tema"}
