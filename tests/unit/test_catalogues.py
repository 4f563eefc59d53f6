"""Message catalogues: English is as complete as Lithuanian, and every refusal has words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.i18n import LOCALES, available_languages, catalogue
from kiosk.tickets import VerifyResult

KIOSK = Path(__file__).resolve().parents[2] / "kiosk"
# Codes the visitor can meet: validation of name/phone and the booking refusals.
_RAISED = re.compile(
    r'(?:ValidationError\(\s*"[a-z]+",\s*|(?:Conflict|NotFound)\(\s*)"([a-z_]+)"', re.M
)


# Met only at the desk or the command line (reissuing a printed ticket, picking an e-scout).
LIBRARIAN_ONLY = {
    "ticket_closed",
    "unknown_scout",
    # Status changes and their undo happen at the desk only.
    "not_started",
    "nothing_to_undo",
    "undo_not_today",
    "has_activity_form",
    "time_taken_since",
    "reason_required",
    "reason_too_long",
    "visitor_erased",
}


def raised_codes() -> set[str]:
    found: set[str] = set()
    for name in ("validation.py", "booking.py"):
        found |= set(_RAISED.findall((KIOSK / name).read_text(encoding="utf-8")))
    return found


def test_lithuanian_and_english_are_offered() -> None:
    assert {"lt", "en"} <= set(available_languages())


@pytest.mark.parametrize("area", sorted(p.stem for p in (LOCALES / "lt").glob("*.json")))
def test_every_language_has_every_key(area: str) -> None:
    import json

    keys = {
        lang: set(json.loads((LOCALES / lang / f"{area}.json").read_text(encoding="utf-8")))
        for lang in available_languages()
    }
    for lang, have in keys.items():
        assert have == keys["lt"], f"{lang}/{area}.json differs: {have ^ keys['lt']}"


def test_every_refusal_the_visitor_can_meet_has_a_message() -> None:
    codes = raised_codes()
    assert {"name_required", "name_start", "phone_invalid", "slot_taken"} <= codes
    for lang in ("lt", "en"):
        messages = catalogue(lang)
        missing = {c for c in codes if f"v.err.{c}" not in messages}
        # cannot_<status> codes come from one f-string; the visitor only meets cancel.
        missing -= {c for c in missing if c.startswith("cannot_")}
        missing -= LIBRARIAN_ONLY
        assert not missing, f"{lang}: no message for {sorted(missing)}"
        for result in VerifyResult:
            assert f"v.verify.{result.value}" in messages, (lang, result)
