"""Names and phones: table-driven, Lithuanian letters, hostile strings."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.domain.errors import ValidationError
from kiosk.domain.validation import (
    check_chosen_languages,
    check_hours,
    check_library_name,
    check_number,
    check_period,
    check_place,
    check_scout_name,
    check_slug,
    check_span,
    check_topic_names,
    clean_name,
    display_phone,
    normalize_phone,
    parse_day,
    parse_languages,
    slug_from_name,
    visitor_key,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ona", "Ona"),
        ("  Jonas  ", "Jonas"),
        ("Žydrūnė", "Žydrūnė"),
        ("ąčęėįšųūž", "ąčęėįšųūž"),
        ("Ąžuolas Čepas", "Ąžuolas Čepas"),
        ("Anna-Marija", "Anna-Marija"),
        ("O'Brien", "O'Brien"),
        ("D\u2019Artagnan", "D\u2019Artagnan"),
        ("Мария", "Мария"),
        ("Семён", "Семён"),
        ("Мар'яна", "Мар'яна"),  # the Ukrainian apostrophe as the keyboard types it
        ("Мар\u02bcяна", "Мар\u02bcяна"),  # and as the modifier letter apostrophe
        ("Ґанна Їжакевич", "Ґанна Їжакевич"),
        ("Łucja Żółć", "Łucja Żółć"),
        ("Grzegorz Brzęczyszczykiewicz", "Grzegorz Brzęczyszczykiewicz"),
        ("Γιώργος", "Γιώργος"),
        ("Ona   Marija", "Ona Marija"),
        ("Zu\u0308rich", "Zürich"),  # decomposed ü is normalised (NFC)
        ("A" * 40, "A" * 40),
    ],
)
def test_good_names(raw: str, expected: str) -> None:
    assert clean_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "name_required"),
        ("   ", "name_required"),
        ("-'", "name_required"),
        ("-Ona", "name_start"),
        ("'Ona", "name_start"),
        ("A" * 41, "name_too_long"),
        ("[bold]Ona[/bold]", "name_markup"),
        ("<script>", "name_markup"),
        ("Ona{x}", "name_markup"),
        ("Ona\\n", "name_markup"),
        ("Ona\x1b[31m", "name_control"),
        ("Ona\x00", "name_control"),
        ("Ona\u200b", "name_control"),  # zero-width space (format character)
        ("Ona\u202e", "name_control"),  # right-to-left override
        ("Ona\nJonas", "name_control"),
        ("Ona2", "name_digits"),
        ("Ona!", "name_chars"),
        ("Ona@example", "name_chars"),
        ("Ona; DROP TABLE", "name_chars"),
        ("😀", "name_chars"),
    ],
)
def test_bad_names(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        clean_name(raw)
    assert info.value.code == code
    assert info.value.field == "name"
    assert info.value.message  # a plain sentence for the person


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("+37061234567", "+37061234567"),
        ("+370 612 34567", "+37061234567"),
        ("8 612 34567", "+37061234567"),
        ("861234567", "+37061234567"),
        ("(8-5) 212 3456", "+37052123456"),
        ("0037061234567", "+37061234567"),
        ("37061234567", "+37061234567"),
        ("61234567", "+37061234567"),
        # Other countries' numbers with their code (English is offered, so are visitors).
        ("+44 7911 123456", "+447911123456"),
        ("0044 7911 123456", "+447911123456"),
        ("+49 1511 2345678", "+4915112345678"),
    ],
)
def test_good_phones(raw: str | None, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "12345",
        "+44 7911",
        "+1 000 000 0000",
        "+370612345",
        "+3706123456789",
        "86123456",
        "phone",
        "+370 012 34567",
        "8612345678",
        "+370abc45678",
        "++37061234567",
    ],
)
def test_bad_phones(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_phone(raw)
    assert info.value.code == "phone_invalid"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+37061234567", "+370 612 34567"),
        ("+37052123456", "+370 5 212 3456"),
        ("+447911123456", "+44 7911 123456"),
        (None, ""),
        ("not a number", "not a number"),
    ],
)
def test_display_phone_groups_digits(stored: str | None, shown: str) -> None:
    assert display_phone(stored) == shown


@pytest.mark.parametrize(
    ("name", "taken", "slug"),
    [
        ("El. bankininkystė", set(), "el-bankininkyste"),
        ("  Išmanusis   telefonas! ", set(), "ismanusis-telefonas"),
        ("Žaidimai ir ČIA", {"zaidimai-ir-cia"}, "zaidimai-ir-cia-2"),
        ("Фото", set(), "tema"),
        ("?", {"tema", "tema-2"}, "tema-3"),
        ("A" * 50, set(), "a" * 28),
    ],
)
def test_slug_from_name(name: str, taken: set[str], slug: str) -> None:
    made = slug_from_name(name, taken)
    assert made == slug
    assert check_slug(made, taken) == made  # always a valid, unused key


def test_visitor_key_ignores_case() -> None:
    assert visitor_key("ONA", "+37061234567") == visitor_key("ona", "+37061234567")
    assert visitor_key("Ona", None) != visitor_key("Ona", "+37061234567")


# -- the librarian's forms (the same rules for the console, the CLI and the tests) ---------


@pytest.mark.parametrize(
    ("start", "end", "code"),
    [
        ("9:00", "10:00", "bad_time"),
        ("09:00", "9", "bad_time"),
        ("10:00", "09:00", "end_before_start"),
    ],
)
def test_bad_spans(start: str, end: str, code: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_span(start, end)
    assert info.value.code == code


def test_spans_days_and_periods() -> None:
    assert check_span(" 09:00", "17:30 ") == ("09:00", "17:30")
    assert parse_day("2026-11-24") == date(2026, 11, 24)
    assert check_period("2026-12-24", "") == (date(2026, 12, 24), date(2026, 12, 24))
    with pytest.raises(ValidationError) as info:
        check_period("2026-12-26", "2026-12-24")
    assert (info.value.code, info.value.field) == ("end_before_start", "last")
    with pytest.raises(ValidationError) as info:
        parse_day("24.11.2026")
    assert info.value.code == "bad_date"


def test_opening_hours() -> None:
    assert check_hours("") is None
    assert check_hours("10:00-19:00") == ("10:00", "19:00")
    for bad, code in (
        ("10:00", "bad_hours"),
        ("10-19", "bad_time"),
        ("19:00-10:00", "end_before_start"),
    ):
        with pytest.raises(ValidationError) as info:
            check_hours(bad)
        assert info.value.code == code


@pytest.mark.parametrize("raw", ["", "   ", "Ieva [b]K.", "Ieva\x1b[2J", "x" * 41])
def test_bad_scout_names(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        check_scout_name(raw)
    assert info.value.code == "scout_name"


def test_scout_names_places_and_languages() -> None:
    assert check_scout_name("  Ieva   K. ") == "Ieva K."
    assert check_place(" Skaitykla,  2 stalas ") == "Skaitykla, 2 stalas"
    assert check_chosen_languages(["lt"]) == ["lt"]
    for rule, arg, code in (
        (check_place, "  ", "place_required"),
        (check_chosen_languages, [], "languages_required"),
    ):
        with pytest.raises(ValidationError) as info:
            rule(arg)  # type: ignore[operator]
        assert info.value.code == code


def test_topic_keys_and_names() -> None:
    assert check_slug(" e-banking ", {"email"}) == "e-banking"
    for raw, code in (("E-Banking", "bad_slug"), ("x", "bad_slug"), ("email", "slug_taken")):
        with pytest.raises(ValidationError) as info:
            check_slug(raw, {"email"})
        assert info.value.code == code
    assert check_topic_names({"lt": " Išmanusis ", "en": ""}) == {"lt": "Išmanusis"}
    with pytest.raises(ValidationError) as info:
        check_topic_names({"lt": " ", "en": ""})
    assert info.value.code == "topic_name"


def test_settings_rules() -> None:
    assert check_library_name("  Vilniaus   biblioteka ") == "Vilniaus biblioteka"
    assert parse_languages("LT, en,") == ["lt", "en"]
    assert check_number("slot_minutes", " 30 ", 10, 120) == 30
    for raw in ("", "eng", "lt, 12", "ąč"):
        with pytest.raises(ValidationError) as info:
            parse_languages(raw)
        assert info.value.code == "bad_languages"
    with pytest.raises(ValidationError) as info:
        check_number("Slot length", "5", 10, 120)
    assert info.value.code == "number_range"
    assert info.value.details == {"field": "Slot length", "low": 10, "high": 120}
    with pytest.raises(ValidationError) as info:
        check_library_name(" ")
    assert info.value.code == "library_name"
