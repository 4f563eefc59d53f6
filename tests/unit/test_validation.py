"""Names and phones: table-driven, Lithuanian letters, hostile strings."""

from __future__ import annotations

import pytest

from kiosk.errors import ValidationError
from kiosk.validation import clean_name, normalize_phone, visitor_key


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
    ],
)
def test_good_phones(raw: str | None, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "12345",
        "+4915112345678",
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


def test_visitor_key_ignores_case() -> None:
    assert visitor_key("ONA", "+37061234567") == visitor_key("ona", "+37061234567")
    assert visitor_key("Ona", None) != visitor_key("Ona", "+37061234567")
