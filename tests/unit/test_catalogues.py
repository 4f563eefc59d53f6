"""Message catalogues: English is as complete as Lithuanian, and every refusal has words."""

from __future__ import annotations

from kiosk.domain.errors import (
    LIBRARIAN_CODES,
    VISITOR_CODES,
    ErrorCode,
    KioskError,
    ValidationError,
)
from kiosk.domain.tickets import VerifyResult
from kiosk.i18n import DOMAINS, Translator, available_languages, catalogue, po_path
from kiosk.i18n.check import key_of, problems, read, template_path


def test_lithuanian_and_english_are_offered() -> None:
    assert {"lt", "en"} <= set(available_languages())


def test_russian_ukrainian_and_polish_visitors_are_served() -> None:
    assert {"ru", "uk", "pl"} <= set(available_languages())
    names = {lang: catalogue(lang)["v.lang.name"] for lang in ("ru", "uk", "pl")}
    assert names == {"ru": "Русский", "uk": "Українська", "pl": "Polski"}


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


def test_every_language_has_every_message_plural_form_and_placeholder() -> None:
    """What `make i18n` checks, here too: a catalogue edit that breaks a language fails tests."""
    errors, _ = problems()
    assert not errors, "\n".join(errors)


def test_the_templates_hold_every_lithuanian_message() -> None:
    """The .pot files `make i18n` writes are current: no message added since without them."""
    for domain in DOMAINS:
        source = {key_of(m) for m in read(po_path("lt", domain)) if m.id}
        template = {key_of(m) for m in read(template_path(domain)) if m.id}
        assert source == template, f"{domain}.pot is stale: run make i18n ({source ^ template})"


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


def _slavic_day(lang: str, n: int) -> str:
    """The word "day" after ``n``, by the Russian and Ukrainian rule written out here."""
    if n % 10 == 1 and n % 100 != 11:
        return "день"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return {"ru": "дня", "uk": "дні"}[lang]
    return {"ru": "дней", "uk": "днів"}[lang]


def test_no_free_days_reads_right_for_every_count_in_russian_and_ukrainian() -> None:
    # "в ближайший 21 день" agrees wrongly: nothing in the sentence may hang on the form.
    for lang in ("ru", "uk"):
        t = Translator(lang)
        for n in range(1, 201):
            text = t.n("v.time.none_days", n).replace("\u00a0", " ")
            assert f" {n} {_slavic_day(lang, n)} " in text, (lang, n, text)
            assert "ближайш" not in text and "найближч" not in text, (lang, n)


def test_a_list_s_page_buttons_are_not_worded_as_the_screen_s_back_and_next() -> None:
    for lang in available_languages():
        t = Translator(lang)
        back, ahead = t("v.page.back"), t("v.page.more")
        for word in (t("v.back"), t("v.details.next")):
            assert word not in back and word not in ahead, (lang, word)
