"""Russian, Ukrainian and Polish at the kiosk: Welcome, the keyboard, booking, check-in."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, Input

from kiosk.i18n import Translator, catalogue
from kiosk.services import Services
from screens.visitor import CheckInScreen, ConfirmBookingScreen, DetailsScreen, TicketScreen
from screens.visitor.common import starts_word
from screens.widgets import Alphabet, OnScreenKeyboard
from screens.widgets.keyboard import LATIN, compact_pages
from tests.ui.conftest import (
    BIG,
    SMALL,
    book_first_free,
    click,
    make_app,
    press_text,
    screen_text,
    settle,
    text_of,
    value_of,
    wait_until,
)
from tests.ui.test_visitor_fit import KIOSK, assert_fits, assert_on_screen, strict_click

NAMES = {"lt": "Lietuvių", "en": "English", "ru": "Русский", "uk": "Українська", "pl": "Polski"}


def keyboard_of(pilot: Pilot[Any]) -> OnScreenKeyboard:
    return pilot.app.screen.query_one(OnScreenKeyboard)


async def tap_name(pilot: Pilot[Any], text: str) -> None:
    """Type on the on-screen keyboard by taps alone, turning its pages where needed."""
    for char in text:
        while keyboard_of(pilot).page_of(char.lower()) != keyboard_of(pilot).key_page:
            await strict_click(pilot, keyboard_of(pilot).query_one("#key-switch"))
        await strict_click(pilot, keyboard_of(pilot).key_button(char.lower()))


async def to_details(pilot: Pilot[Any], lang: str) -> None:
    await settle(pilot)
    await strict_click(pilot, f"#lang-{lang}")
    await strict_click(pilot, "#w-book")
    await click(pilot, "#topic-smartphone")
    await click(pilot, "#time-first")
    assert isinstance(pilot.app.screen, DetailsScreen)


@pytest.mark.parametrize("lang", ["lt", "en", "ru", "uk", "pl"])
async def test_welcome_offers_five_languages_in_themselves_on_the_kiosk_panel(
    demo: Services, lang: str
) -> None:
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        await strict_click(pilot, f"#lang-{lang}")
        assert_fits(pilot)
        for selector in ("#w-book", "#w-lookup", "#w-checkin", "#v-help"):
            assert_on_screen(pilot, app.screen.query_one(selector))
        buttons = list(app.screen.query(".v-lang").results(Button))
        assert [b.id for b in buttons] == [f"lang-{code}" for code in NAMES]  # the settings' order
        for button in buttons:
            assert_on_screen(pilot, button)
            code = (button.id or "").removeprefix("lang-")
            shown = str(button.label)
            # Each language in itself; the chosen one marked by a sign, not by colour alone.
            assert shown == ("● " if code == lang else "") + NAMES[code]
        assert (
            str(app.screen.query_one("#w-book", Button).label) == catalogue(lang)["v.welcome.book"]
        )


async def test_welcome_shows_only_the_languages_the_library_offers(demo: Services) -> None:
    settings = demo.booking.settings()
    settings.languages = ["lt", "uk", "en"]
    demo.catalog.save_settings(settings)
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await settle(pilot)
        shown = [b.id for b in app.screen.query(".v-lang").results(Button) if b.display]
        assert shown == ["lang-lt", "lang-uk", "lang-en"]


async def test_book_in_russian_typing_the_name_on_the_cyrillic_keyboard(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await to_details(pilot, "ru")
        keyboard = keyboard_of(pilot)
        assert str(keyboard.key_button("й").label) == "Й"
        for char in "анна-":
            await click(pilot, keyboard_of(pilot).key_button(char))
        shift = keyboard_of(pilot).query_one("#key-shift", Button)
        await click(pilot, shift)  # a capital inside the word only when asked for
        assert str(shift.label) == "●⇧"  # on: a sign as well as a colour
        for char in "мария":
            await click(pilot, keyboard_of(pilot).key_button(char))
        assert value_of(app, "#name") == "Анна-Мария"
        assert str(shift.label) == "⇧"  # for one letter, as on a phone
        await click(pilot, "#details-next")
        assert isinstance(app.screen, ConfirmBookingScreen)
        assert "Анна-Мария" in screen_text(app)
        # The place as on the sign, with its Russian name beside it.
        slot = app.screen.draft.slot
        assert slot is not None
        place = demo.catalog.place(slot.place)
        assert place is not None and place.names["ru"] in place.label("ru")
        assert place.label("ru") in screen_text(app).replace("\n", " ")
        await click(pilot, "#confirm-ok")
        assert isinstance(app.screen, TicketScreen)
        booking = app.screen.ticket.booking
        assert demo.booking.lookup(booking.code).name == "Анна-Мария"
        # The visitor's language chose an e-scout who speaks it.
        scout = demo.booking.scout(booking.scout)
        assert scout is not None and "ru" in scout.languages
        text = screen_text(app)
        assert "Вы записаны" in text and "Запись подтверждена." in text
        assert "Смартфон" in text
        # A quiet spell over the ticket: its prompt says the booking is kept, not wiped.
        await wait_until(pilot, lambda: app.screen.idle_limit is not None)
        app.screen._idle_limit = 0.3  # type: ignore[attr-defined]
        app.reset_idle()
        await wait_until(pilot, lambda: bool(app.screen_stack[-1].query("#more-countdown")))
        prompt = text_of(app, "#more-countdown")
        assert "запись сохранится" in prompt and "удалено" not in prompt


async def test_a_russian_visitor_switches_to_latin_and_back(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=BIG) as pilot:
        await to_details(pilot, "ru")
        to_latin = keyboard_of(pilot).query_one("#key-alphabet", Button)
        assert str(to_latin.label) == "ABC"
        await click(pilot, to_latin)
        for char in "john o'neil ":
            await click(pilot, keyboard_of(pilot).key_button(char))
        back = keyboard_of(pilot).query_one("#key-alphabet", Button)
        assert str(back.label) == "АБВ"
        with pytest.raises(LookupError):
            keyboard_of(pilot).key_button("ж")
        await click(pilot, back)
        await click(pilot, keyboard_of(pilot).key_button("ж"))
        assert value_of(app, "#name") == "John O'neil Ж"  # no capital after the apostrophe


async def test_book_in_polish_on_the_small_screens_paged_keyboard(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await to_details(pilot, "pl")
        assert keyboard_of(pilot).compact
        await tap_name(pilot, "łucja żółć")
        assert value_of(app, "#name") == "Łucja Żółć"
        await strict_click(pilot, "#details-next")
        assert isinstance(app.screen, ConfirmBookingScreen)
        await click(pilot, "#confirm-ok")
        assert isinstance(app.screen, TicketScreen)
        assert demo.booking.lookup(app.screen.ticket.booking.code).name == "Łucja Żółć"
        assert "Zapis został potwierdzony." in screen_text(app)


async def test_the_russian_keyboard_at_78x18_has_every_letter_on_one_page(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await to_details(pilot, "ru")
        keyboard = keyboard_of(pilot)
        assert keyboard.compact and keyboard.has_class("-narrow")
        shown = {str(key.label) for key in keyboard.query(".char").results(Button)}
        assert set("ЙЦУКЕНГШЩЗХЪФЫВАПРОЛДЖЭЯЧСМИТЬБЮ") <= shown
        assert_fits(pilot)
        for key in keyboard.query(Button):
            assert_on_screen(pilot, key)
        await tap_name(pilot, "семён")  # ё waits with the digits, one tap away
        assert value_of(app, "#name") == "Семён"
        await strict_click(pilot, "#details-next")
        assert isinstance(app.screen, ConfirmBookingScreen)


# Names with an apostrophe or a hyphen, in each visitor language (Latin ones in every language:
# the alphabet key reaches them from a Cyrillic keyboard).
SAMPLE_NAMES = {
    "lt": ["Anna-Maria", "O'Brien", "Jean-Luc"],
    "en": ["O'Brien", "Jean-Luc", "Anna-Maria"],
    "pl": ["Anna-Maria", "O'Brien"],
    "ru": ["Дар'я", "Анна-Мария", "O'Brien"],
    "uk": ["Дар'я", "Мар'яна", "Jean-Luc"],
}


async def tap_exactly(pilot: Pilot[Any], text: str) -> None:
    """Type ``text`` exactly by taps: turning pages, switching the alphabet, and shift for a
    capital the field would not make by itself (after an apostrophe or a hyphen)."""
    for char in text:
        letters = keyboard_of(pilot).letters
        if char.isalpha() and char.lower() not in "".join(letters.rows) + letters.extra:
            await strict_click(pilot, keyboard_of(pilot).query_one("#key-alphabet"))
        while keyboard_of(pilot).page_of(char.lower()) != keyboard_of(pilot).key_page:
            await strict_click(pilot, keyboard_of(pilot).query_one("#key-switch"))
        if char.isupper() and not starts_word(value_of(pilot.app, "#name")):
            await strict_click(pilot, keyboard_of(pilot).query_one("#key-shift"))
        await strict_click(pilot, keyboard_of(pilot).key_button(char.lower()))


@pytest.mark.parametrize("lang", sorted(SAMPLE_NAMES))
async def test_names_with_apostrophes_and_hyphens_type_exactly_in_every_language(
    demo: Services, lang: str
) -> None:
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await to_details(pilot, lang)
        for name in SAMPLE_NAMES[lang]:
            app.screen.query_one("#name", Input).value = ""
            await tap_exactly(pilot, name)
            assert value_of(app, "#name") == name
        await strict_click(pilot, "#details-next")
        assert isinstance(app.screen, ConfirmBookingScreen)
        assert text_of(app, "#v-confirm-name") == SAMPLE_NAMES[lang][-1]


async def test_check_in_in_ukrainian(demo: Services) -> None:
    ticket = book_first_free(demo, name="Оксана")
    app = make_app(demo)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await strict_click(pilot, "#lang-uk")
        await strict_click(pilot, "#w-checkin")
        assert isinstance(app.screen, CheckInScreen)
        assert "QR-код" in screen_text(app)
        await press_text(pilot, ticket.token)
        await pilot.press("enter")
        await settle(pilot)
        answer = text_of(app, "#checkin-result")
        assert "Вітаємо, Оксана!" in answer and "Ваш прихід позначено." in answer
        # The topic in the language of the person at the kiosk, though booked in Lithuanian.
        assert "«Смартфон»" in answer
        place = demo.catalog.place(ticket.booking.place)
        assert place is not None and place.label("uk") in answer.replace("\n", " ")


# -- the layouts, from the catalogues ----------------------------------------------------


@pytest.mark.parametrize("lang", ["lt", "en", "ru", "uk", "pl"])
def test_every_compact_keyboard_page_fits_78_columns(lang: str) -> None:
    alphabet = Alphabet.of(Translator(lang))
    for letters in (alphabet, LATIN):
        with_key = not alphabet.latin
        packed = compact_pages(letters, with_alphabet_key=with_key)
        assert packed.letter_pages == 1, (lang, packed.pages)  # every letter on one page
        for page in packed.pages:
            assert len(page) == 3
            first, second, last = (len(row) * packed.key_cells for row in page)
            assert first + 14 <= 74 and second + (10 if with_key else 0) <= 74
            assert last + 16 + 10 <= 74
        typed = "".join(row for page in packed.pages for row in page)
        assert set("".join(letters.rows) + letters.extra + "-'") <= set(typed)


def test_a_name_capitalises_each_word_but_not_after_an_apostrophe_or_hyphen() -> None:
    assert starts_word("") and starts_word("Анна ")
    # Дар'я, not Дар'Я: the letter after an apostrophe or hyphen goes on the same word.
    assert not starts_word("Дар'") and not starts_word("Anna-") and not starts_word("Дар")


def test_the_lithuanian_keyboard_keeps_its_two_pages() -> None:
    packed = compact_pages(Alphabet.of(Translator("lt")), with_alphabet_key=False)
    assert packed.pages == [
        ["qwertyuiop", "asdfghjkl-", "zxcvbnm'"],
        ["1234567890", "ąčęėįšųūž", "+-'"],
    ]
    assert packed.key_cells == 6


def test_each_language_has_its_own_letters() -> None:
    russian, ukrainian = Alphabet.of(Translator("ru")), Alphabet.of(Translator("uk"))
    polish = Alphabet.of(Translator("pl"))
    assert russian.rows[0].startswith("йцукен") and not russian.latin
    assert set("ыэъё") <= set("".join(russian.rows) + russian.extra)
    assert set("іїєґ") <= set("".join(ukrainian.rows) + ukrainian.extra)
    assert not set("ыэъё") & set("".join(ukrainian.rows) + ukrainian.extra)
    assert polish.latin and polish.extra == "ąćęłńóśźż"
    assert (russian.label, polish.label) == ("АБВ", "ABC")
