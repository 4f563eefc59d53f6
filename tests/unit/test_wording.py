"""Lithuanian word forms: names in the vocative, weekdays in the accusative, no-break spaces."""

from __future__ import annotations

from datetime import date

import pytest

from kiosk.i18n import NBSP, Translator, no_break, vocative


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Vytautas", "Vytautai"),
        ("Jonas", "Jonai"),
        ("Ona", "Ona"),
        ("Rūta", "Rūta"),
        ("Andrius", "Andriau"),
        ("Kazys", "Kazy"),
        ("Paulius", "Pauliau"),
        ("Gintarė", "Gintare"),
        ("Kęstutis", "Kęstuti"),
        ("Jonas Petraitis", "Jonai"),  # only the first name
        ("ANTANAS", "ANTANAI"),  # the case the visitor typed stays
    ],
)
def test_a_lithuanian_first_name_in_the_vocative(name: str, expected: str) -> None:
    assert vocative(name) == expected


@pytest.mark.parametrize("name", ["John", "Li", "Mei", "", "  "])
def test_an_unknown_ending_gives_no_vocative(name: str) -> None:
    assert vocative(name) is None


def test_greeting_name_is_the_vocative_in_lithuanian_and_as_typed_in_english() -> None:
    assert Translator("lt").greeting_name("Vytautas") == "Vytautai"
    assert Translator("lt").greeting_name("John") is None
    assert Translator("en").greeting_name("Vytautas") == "Vytautas"


def test_the_weekday_after_o_is_in_the_accusative() -> None:
    tuesday = date(2026, 12, 22)
    assert Translator("lt").day_on(tuesday) == "gruodžio 22 d., antradienį"
    assert Translator("lt").day_label(tuesday) == "gruodžio 22 d., antradienis"
    assert Translator("en").day_on(tuesday) == "Tuesday 22 December"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("praėjus 30 d. po", f"praėjus 30{NBSP}d. po"),
        ("e. paslaugos", f"e.{NBSP}paslaugos"),
        ("su E. skautu", f"su E.{NBSP}skautu"),
        ("El. paštas", f"El.{NBSP}paštas"),
        ("Liko 29 s.", f"Liko 29{NBSP}s."),
        ("30 dienų", "30 dienų"),  # a whole word may break as usual
        ("Tel. 8 612", "Tel. 8 612"),
    ],
)
def test_abbreviations_keep_their_space(text: str, expected: str) -> None:
    assert no_break(text) == expected


def test_catalogue_words_come_with_no_break_spaces() -> None:
    assert f"30{NBSP}d." in Translator("lt").n("v.details.consent_days", 30)
    assert f"e.{NBSP}paslaugos" in Translator("lt")("v.welcome.greeting")
