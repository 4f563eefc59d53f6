"""PO catalogues: plural forms by each language's rule, dates from catalogue patterns, a new
language from a PO file alone, and the checks behind `make i18n`."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

import kiosk.i18n as i18n
from kiosk.i18n import Translator, available_languages, languages_in, load_language, po_path
from kiosk.i18n.check import build_templates, problems
from kiosk.i18n.extract import keys_in

ROOT = Path(__file__).resolve().parents[2]
TUESDAY = date(2026, 11, 24)
SUNDAY = date(2026, 11, 29)

SEATS = {
    "lt": {
        1: "1 laisva vieta",
        2: "2 laisvos vietos",
        5: "5 laisvos vietos",
        10: "10 laisvų vietų",
        11: "11 laisvų vietų",
        21: "21 laisva vieta",
        22: "22 laisvos vietos",
    },
    "ru": {
        1: "1 свободное место",
        2: "2 свободных места",
        5: "5 свободных мест",
        11: "11 свободных мест",
        21: "21 свободное место",
        22: "22 свободных места",
    },
    "uk": {
        1: "1 вільне місце",
        2: "2 вільні місця",
        5: "5 вільних місць",
        11: "11 вільних місць",
        21: "21 вільне місце",
        22: "22 вільні місця",
    },
    "pl": {
        1: "1 wolne miejsce",
        2: "2 wolne miejsca",
        5: "5 wolnych miejsc",
        11: "11 wolnych miejsc",
        21: "21 wolnych miejsc",
        22: "22 wolne miejsca",
    },
    "en": {1: "1 place left", 2: "2 places left", 21: "21 places left"},
}


@pytest.mark.parametrize(
    ("lang", "count", "text"),
    [(lang, n, text) for lang, forms in SEATS.items() for n, text in forms.items()],
)
def test_seats_left_take_the_languages_plural_form(lang: str, count: int, text: str) -> None:
    assert Translator(lang).n("v.time.free_seats", count) == text


@pytest.mark.parametrize(
    ("lang", "count", "ending"),
    [
        ("lt", 1, "Liko 1 sekundė."),
        ("lt", 2, "Liko 2 sekundės."),
        ("lt", 11, "Liko 11 sekundžių."),
        ("lt", 21, "Liko 21 sekundė."),
        ("en", 1, "1 second left."),
        ("en", 30, "30 seconds left."),
        ("ru", 21, "Осталась 21 секунда."),
        ("ru", 22, "Осталось 22 секунды."),
        ("uk", 11, "Залишилося 11 секунд."),
        ("pl", 1, "Została 1 sekunda."),
        ("pl", 22, "Zostały 22 sekundy."),
    ],
)
def test_the_countdown_says_seconds_in_the_right_form(lang: str, count: int, ending: str) -> None:
    assert Translator(lang).n("v.more.seconds_left", count).endswith(ending)


@pytest.mark.parametrize(
    ("count", "lt", "en"),
    [
        (1, "paliečia 1 registraciją", "affects 1 booking –"),
        (3, "paliečia 3 registracijas", "affects 3 bookings –"),
        (12, "paliečia 12 registracijų", "affects 12 bookings –"),
    ],
)
def test_the_console_counts_bookings_in_the_right_form(count: int, lt: str, en: str) -> None:
    assert lt in Translator("lt").n("lib.scouts.affected", count)
    assert en in Translator("en").n("lib.scouts.affected", count)
    erased = Translator("en").n("lib.privacy.erased", count)
    assert erased.endswith("1 booking." if count == 1 else f"{count} bookings.")


def test_a_plural_message_missing_in_a_language_falls_back_to_lithuanian_forms() -> None:
    # The console is not translated into Russian: Lithuanian words by the Lithuanian rule.
    assert (
        Translator("ru")
        .n("lib.scouts.affected", 21)
        .startswith("Pakeitimas paliečia 21 registraciją")
    )
    assert Translator("ru").n("no.such.key", 2) == "no.such.key"


@pytest.mark.parametrize(
    ("lang", "long", "label", "on"),
    [
        (
            "lt",
            "2026 m. lapkričio 24 d., antradienis",
            "lapkričio 24 d., antradienis",
            "lapkričio 24 d., antradienį",
        ),
        ("en", "Tuesday, 24 November 2026", "Tuesday 24 November", "Tuesday 24 November"),
        ("ru", "вторник, 24 ноября 2026 г.", "вторник, 24 ноября", "во вторник, 24 ноября"),
        (
            "uk",
            "вівторок, 24 листопада 2026 р.",
            "вівторок, 24 листопада",
            "у вівторок, 24 листопада",
        ),
        ("pl", "wtorek, 24 listopada 2026", "wtorek, 24 listopada", "we wtorek, 24 listopada"),
    ],
)
def test_dates_come_from_the_catalogue_patterns(lang: str, long: str, label: str, on: str) -> None:
    t = Translator(lang)
    assert (t.long_date(TUESDAY), t.day_label(TUESDAY), t.day_on(TUESDAY)) == (long, label, on)


def test_the_weekday_after_a_preposition_is_its_own_message() -> None:
    assert Translator("lt").day_on(SUNDAY) == "lapkričio 29 d., sekmadienį"
    assert Translator("ru").day_on(SUNDAY) == "в воскресенье, 29 ноября"
    assert Translator("pl").day_on(SUNDAY) == "w niedzielę, 29 listopada"


def _write_po(path: Path, lang: str, messages: dict[str, str | tuple[str, ...]]) -> None:
    catalog = Catalog(locale=lang, domain=path.stem, fuzzy=False)  # finished: offered
    for key, text in messages.items():
        catalog[key] = Message((key, key) if isinstance(text, tuple) else key, text)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog)


def test_a_new_language_is_a_po_file_and_no_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES, root)
    _write_po(
        po_path("de", "visitor", root),
        "de",
        {
            "v.welcome.book": "Beratung buchen",
            "v.time.free_seats": ("{count} freier Platz", "{count} freie Plätze"),
            "date.day": "EEEE, d. MMMM",
        },
    )
    monkeypatch.setattr(i18n, "LOCALES", root)
    i18n.language.cache_clear()
    try:
        assert "de" in languages_in() and "de" in available_languages()
        german = Translator("de")
        assert german("v.welcome.book") == "Beratung buchen"
        assert [german.n("v.time.free_seats", n) for n in (1, 3)] == [
            "1 freier Platz",
            "3 freie Plätze",
        ]
        assert german.day_label(TUESDAY) == "Dienstag, 24. November"
        assert german("v.back") == "Atgal"  # not translated yet: Lithuanian
    finally:
        i18n.language.cache_clear()


def test_every_visitor_language_is_offered() -> None:
    assert set(available_languages()) == {"lt", "en", "ru", "uk", "pl"}


def test_a_draft_language_speaks_but_is_not_offered(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES, root)
    path = po_path("pl", "visitor", root)
    with path.open("rb") as handle:
        catalog = read_po(handle)
    catalog.fuzzy = True  # a translation under way
    with path.open("wb") as handle:
        write_po(handle, catalog)
    draft = load_language("pl", root)
    assert draft.draft and draft.messages["v.lang.name"] == "Polski"
    monkeypatch.setattr(i18n, "LOCALES", root)
    i18n.language.cache_clear()
    try:
        assert "pl" in languages_in() and "pl" not in available_languages()
    finally:
        i18n.language.cache_clear()


def _broken_copy(tmp_path: Path, lang: str, key: str, text: str | tuple[str, ...]) -> Path:
    root = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES, root)
    path = po_path(lang, "visitor", root)
    with path.open("rb") as handle:
        catalog = read_po(handle)
    catalog[key].string = text
    with path.open("wb") as handle:
        write_po(handle, catalog)
    return root


def test_the_check_names_a_placeholder_a_language_lost(tmp_path: Path) -> None:
    root = _broken_copy(tmp_path, "en", "v.when", "{day}, from {start}")
    errors, _ = problems(root)
    assert errors == [
        "en/visitor: v.when: placeholders ['day', 'start'], lt has ['day', 'end', 'start']"
    ]


def test_the_check_names_a_missing_plural_form(tmp_path: Path) -> None:
    root = _broken_copy(tmp_path, "ru", "v.time.free_seats", ("{count} место", "{count} места"))
    errors, _ = problems(root)
    # Russian is offered to visitors, so the message also counts as missing.
    assert errors == [
        "ru/visitor: v.time.free_seats: plural form 2 is empty",
        "ru/visitor: missing 1: v.time.free_seats",
    ]


def test_the_check_names_an_untranslated_message_of_an_offered_language(tmp_path: Path) -> None:
    root = _broken_copy(tmp_path, "en", "v.back", "")
    errors, _ = problems(root)
    assert errors == ["en/visitor: missing 1: v.back"]


def test_the_check_names_a_broken_date_pattern(tmp_path: Path) -> None:
    root = _broken_copy(tmp_path, "pl", "date.long", "EEEE, d MMMMMM y")
    errors, _ = problems(root)
    assert len(errors) == 1 and errors[0].startswith("pl: date.long: not a date pattern")


def test_the_extractor_finds_key_literals_and_keys_the_code_builds() -> None:
    source = (
        'Binding("1", "choose", "v.welcome.book")\n'
        't(f"v.status.{booking.status}")\n'
        'refusal_words(t, exc, ("v.err",))\n'
        'print("v.", "no key", f"{prefix}.{code}")\n'
    )
    assert list(keys_in(source)) == [(1, "v.welcome.book"), (2, "v.status.*"), (3, "v.err")]


def test_the_code_uses_every_message_and_names_none_the_catalogues_lack(tmp_path: Path) -> None:
    """`make i18n`'s first half on the real code: extraction, then the templates."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keys = Catalog()
    for folder in ("kiosk", "screens"):
        for _file, line, key, _comments, _context in extract_from_dir(
            ROOT / folder, method_map, options_map
        ):
            keys.add(key, locations=[(folder, line)])
    pot = tmp_path / "keys.pot"
    with pot.open("wb") as handle:
        write_po(handle, keys)
    root = tmp_path / "locales"
    shutil.copytree(i18n.LOCALES, root)
    errors, notes = build_templates(pot, root)
    assert not errors
    assert not notes, "messages no code uses (make i18n drops them):\n" + "\n".join(notes)
    for domain in ("visitor", "librarian"):
        assert (root / f"{domain}.pot").read_bytes() == (
            i18n.LOCALES / f"{domain}.pot"
        ).read_bytes()


@pytest.mark.parametrize(
    ("lang", "days", "words"),
    [
        ("en", 1, "deleted 1 day after"),
        ("en", 30, "deleted 30 days after"),
        ("lt", 1, "praėjus 1\u00a0d. po"),
        ("ru", 21, "через 21 день после"),
        ("ru", 30, "через 30 дней после"),
        ("uk", 2, "через 2 дні після"),
        ("pl", 5, "je 5 dni po"),
    ],
)
def test_days_before_names_are_deleted_agree_with_the_number(
    lang: str, days: int, words: str
) -> None:
    assert words in Translator(lang).n("v.details.consent_days", days)
