"""Message catalogues: English is as complete as Lithuanian, and every refusal has words."""

from __future__ import annotations

import pytest

from kiosk.errors import LIBRARIAN_CODES, VISITOR_CODES, ErrorCode, KioskError, ValidationError
from kiosk.i18n import LOCALES, available_languages, catalogue
from kiosk.tickets import VerifyResult


def test_lithuanian_and_english_are_offered() -> None:
    assert {"lt", "en"} <= set(available_languages())


def test_russian_ukrainian_and_polish_visitors_are_served() -> None:
    assert {"ru", "uk", "pl"} <= set(available_languages())
    names = {lang: catalogue(lang)["v.lang.name"] for lang in ("ru", "uk", "pl")}
    assert names == {"ru": "Русский", "uk": "Українська", "pl": "Polski"}


@pytest.mark.parametrize("lang", ["ru", "uk", "pl"])
def test_visitor_words_keep_every_placeholder_of_the_lithuanian(lang: str) -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    lithuanian, other = catalogue("lt"), catalogue(lang)
    for key, text in lithuanian.items():
        if key.startswith(("v.", "date.")):
            assert fields(other[key]) == fields(text), (lang, key)


def test_every_visitor_language_names_its_dates_and_keyboard() -> None:
    for lang in available_languages():
        messages = catalogue(lang)
        for key in ("date.long", "date.day", "date.on", "date.on_date", "v.keyboard.letters"):
            assert messages.get(key), (lang, key)
        assert [messages[f"date.weekday_on.{n}"] for n in range(7)], lang
    assert catalogue("ru")["date.weekday_on.1"] == "во вторник"
    assert catalogue("uk")["date.weekday_on.0"] == "у понеділок"
    assert catalogue("pl")["date.weekday_on.1"] == "we wtorek"
    assert catalogue("lt")["date.weekday_on.0"] == "pirmadienį"


@pytest.mark.parametrize("area", sorted(p.stem for p in (LOCALES / "lt").glob("*.json")))
def test_every_language_has_every_key(area: str) -> None:
    import json

    # The console speaks lt and en; the visitor's languages (ru, uk, pl) have visitor words only.
    keys = {
        lang: set(json.loads((LOCALES / lang / f"{area}.json").read_text(encoding="utf-8")))
        for lang in available_languages()
        if area == "visitor" or (LOCALES / lang / f"{area}.json").exists()
    }
    assert {"lt", "en"} <= set(keys)
    for lang, have in keys.items():
        assert have == keys["lt"], f"{lang}/{area}.json differs: {have ^ keys['lt']}"


def test_every_refusal_the_visitor_can_meet_has_a_message() -> None:
    assert {"name_required", "name_start", "phone_invalid", "slot_taken"} <= VISITOR_CODES
    for lang in available_languages():
        messages = catalogue(lang)
        missing = sorted(c for c in VISITOR_CODES if f"v.err.{c}" not in messages)
        assert not missing, f"{lang}: no visitor message for {missing}"
        for result in VerifyResult:
            assert f"v.verify.{result.value}" in messages, (lang, result)


def test_every_refusal_the_librarian_can_meet_has_a_message() -> None:
    for lang in ("lt", "en"):
        messages = catalogue(lang)
        missing = sorted(c for c in LIBRARIAN_CODES if f"lib.err.{c}" not in messages)
        assert not missing, f"{lang}: no librarian message for {missing}"


def test_the_catalogues_hold_no_error_sentence_without_a_code() -> None:
    codes = {str(c) for c in ErrorCode} | {"generic"}
    for lang in available_languages():
        keys = [k for k in catalogue(lang) if k.startswith(("v.err.", "lib.err."))]
        stray = sorted(k for k in keys if k.split(".err.", 1)[1] not in codes)
        assert not stray, f"{lang}: messages for codes nobody raises: {stray}"


def test_errors_take_code_then_message() -> None:
    plain = KioskError(ErrorCode.SLOT_TAKEN, "taken", start="09:00")
    bad = ValidationError(ErrorCode.NAME_START, "must start with a letter", field="name")
    assert (plain.code, plain.message, plain.details) == ("slot_taken", "taken", {"start": "09:00"})
    assert (bad.code, bad.message, bad.field) == ("name_start", "must start with a letter", "name")


def _codes_raised_in_source() -> dict[str, str]:
    """Every code written as a literal where a refusal is raised in kiosk/: code -> place."""
    import ast
    from pathlib import Path

    refusals = {"KioskError", "ValidationError", "Conflict", "NotFound"}
    found: dict[str, str] = {}
    for path in sorted((Path(__file__).resolve().parents[2] / "kiosk").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            code = node.args[0]
            if name in refusals and isinstance(code, ast.Constant) and isinstance(code.value, str):
                found.setdefault(code.value, f"{path.name}:{node.lineno}")
    return found


def test_every_code_raised_is_an_error_code() -> None:
    raised = _codes_raised_in_source()
    assert {"slot_taken", "not_started", "write_failed"} <= set(raised)  # the scan sees them
    unknown = {code: where for code, where in raised.items() if code not in set(ErrorCode)}
    assert not unknown, f"add these to ErrorCode (and their words): {unknown}"
