"""Message catalogues and date forms: gettext PO files read with Babel.

Catalogues live in ``kiosk/locales/<lang>/LC_MESSAGES/<domain>.po``: the ``visitor`` domain
(kiosk screens, tickets, dates), the ``librarian`` domain (the console, reports) and the
``scout`` domain (the e-scouts' own screens at the kiosk, in the console's languages). A
language's domains are merged; msgids are symbolic keys (``v.welcome.book``), so the English
PO holds English text like any other language. A message may have plural forms, picked by
the language's own ``Plural-Forms`` rule (``Translator.n``). Dates are CLDR patterns taken
from the catalogue (``date.long``, ``date.day``, ``date.on``...), so adding a language means
adding PO files, never code.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_time
from babel.messages.pofile import read_po

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAINS = ("visitor", "librarian", "scout")
DEFAULT_LANGUAGE = "lt"
NBSP = "\u00a0"

# Lithuanian first names: nominative ending -> vocative ending, longest first. A name whose
# ending is not here is not put in the vocative: the greeting then goes without it.
_VOCATIVE_ENDINGS = [
    ("ius", "iau"),  # Andrius -> Andriau, Paulius -> Pauliau
    ("ys", "y"),  # Kazys -> Kazy
    ("is", "i"),  # Kęstutis -> Kęstuti
    ("as", "ai"),  # Vytautas -> Vytautai, Jonas -> Jonai
    ("us", "au"),  # Mikalojus -> Mikalojau
    ("ė", "e"),  # Gintarė -> Gintare
    ("a", "a"),  # Ona, Rūta
]
# Abbreviations whose space must never break a line: "30 d.", "e. paslaugos", "el. paštas".
_NO_BREAK = re.compile(r"(?<=\d) (?=(?:d|val|min|s)\.?(?!\w))|(?<=\b[eE]\.) |(?<=\b[eE]l\.) ")


def vocative(name: str) -> str | None:
    """A Lithuanian first name as one speaks to the person (``Jonas`` -> ``Jonai``).

    Only the first word is used; ``None`` when its ending has no rule here (a foreign name):
    the caller then greets without a name rather than in a wrong case.
    """
    words = name.split()
    if not words:
        return None
    first = words[0]
    lower = first.lower()
    for ending, replacement in _VOCATIVE_ENDINGS:
        if lower.endswith(ending) and len(lower) > len(ending) + 1:
            return first[: -len(ending)] + (replacement.upper() if first.isupper() else replacement)
    return None


def no_break(text: str) -> str:
    """Non-breaking spaces inside abbreviations such as ``30 d.`` and ``e. paslaugos``."""
    return _NO_BREAK.sub(NBSP, text)


Text = str | tuple[str, ...]  # a message: one text, or its plural forms in the PO's order


@dataclass(frozen=True)
class Language:
    """One language's merged domains and the gettext rule that picks a plural form."""

    code: str
    messages: dict[str, Text]
    plural: Callable[[int], int]
    # The visitor PO's header is marked fuzzy: a translation under way, not offered to visitors.
    draft: bool


def po_path(lang: str, domain: str, root: Path | None = None) -> Path:
    return (root or LOCALES) / lang / "LC_MESSAGES" / f"{domain}.po"


def _translated(string: object) -> Text | None:
    """The msgstr when it is filled in (every plural form); ``None`` for an empty one."""
    if isinstance(string, str):
        return string or None
    forms = tuple(string) if isinstance(string, tuple | list) else ()
    return forms if forms and all(forms) else None


def load_language(lang: str, root: Path | None = None) -> Language:
    """Read every domain PO of ``lang`` under ``root``; untranslated and fuzzy entries are left
    out, so the caller falls back to Lithuanian for them."""
    messages: dict[str, Text] = {}
    plural_expr = "(n != 1)"
    draft = False
    for domain in DOMAINS:
        path = po_path(lang, domain, root)
        if not path.exists():
            continue
        with path.open("rb") as handle:
            po = read_po(handle, locale=None, domain=domain)
        if domain == "visitor":
            plural_expr, draft = po.plural_expr, po.fuzzy
        for message in po:
            text = _translated(message.string)
            if message.id and text is not None and not message.fuzzy:
                key = message.id[0] if isinstance(message.id, tuple | list) else message.id
                messages[str(key)] = text
    return Language(lang, messages, gettext.c2py(plural_expr), draft)


@cache
def language(lang: str) -> Language:
    return load_language(lang)


def catalogue(lang: str) -> dict[str, Text]:
    """Every translated message of ``lang``, all domains merged."""
    return language(lang).messages


def languages_in(root: Path | None = None) -> list[str]:
    """Every language folder with a visitor PO, drafts included."""
    folders = (root or LOCALES).iterdir()
    return sorted(p.name for p in folders if po_path(p.name, "visitor", root).exists())


def available_languages() -> list[str]:
    """The languages a visitor may choose: a visitor PO that is not a draft."""
    return [lang for lang in languages_in() if not language(lang).draft]


class Translator:
    """``t("key", name=...)`` in one language, falling back to Lithuanian, then the key.

    ``t.n("key", count, ...)`` is the plural form of a message for ``count`` (also given to
    the text as ``{count}``), chosen by the language's gettext plural rule.
    """

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang

    def _lookup(self, key: str) -> tuple[Text, Language] | None:
        for lang in (self.lang, DEFAULT_LANGUAGE):
            found = language(lang).messages.get(key)
            if found is not None:
                return found, language(lang)
        return None

    def message(self, key: str) -> str:
        """The message's raw text (no values, no non-breaking spaces): patterns and formats."""
        found = self._lookup(key)
        if found is None:
            return key
        text, _ = found
        return text if isinstance(text, str) else text[0]

    def __call__(self, key: str, **values: object) -> str:
        text = self.message(key)
        return no_break(text.format(**values) if values else text)

    t = __call__

    def n(self, key: str, count: int, **values: object) -> str:
        """The form of ``key`` for ``count``: ``t.n("v.time.seats_left", 21)`` -> "21 vieta"."""
        found = self._lookup(key)
        if found is None:
            return key
        text, owner = found
        if not isinstance(text, str):
            index = owner.plural(abs(count))
            text = text[min(index, len(text) - 1)]
        return no_break(text.format(count=count, **values))

    def _date(self, day: date, pattern_key: str) -> str:
        return format_date(day, self.message(pattern_key), locale=self.lang)

    def long_date(self, day: date) -> str:
        """``2026 m. lapkričio 24 d., antradienis`` / ``Tuesday, 24 November 2026``."""
        return self._date(day, "date.long")

    def day_label(self, day: date) -> str:
        """Short day heading: ``lapkričio 24 d., antradienis`` / ``Tuesday 24 November``."""
        return self._date(day, "date.day")

    def day_on(self, day: date) -> str:
        """The day as "on which day": ``lapkričio 24 d., antradienį`` / ``Tuesday 24 November``.

        The weekday is a message of its own (``date.weekday_on.0`` is Monday): Lithuanian puts
        it in the accusative, Russian adds "в"/"во", and so on.
        """
        weekday = self.message(f"date.weekday_on.{day.weekday()}")
        on_date = self._date(day, "date.on_date")
        return self.message("date.on").format(weekday=weekday, date=on_date)

    def greeting_name(self, name: str) -> str | None:
        """The name to greet with: Lithuanian in the vocative (or none), others as typed."""
        if self.lang == DEFAULT_LANGUAGE:
            return vocative(name)
        return name.split()[0] if name.split() else None

    def time(self, moment: datetime) -> str:
        return format_time(moment, "HH:mm", locale=self.lang)

    def day_text(self, day: date, today: date | None = None) -> str:
        """The day as every visitor screen names it, with "Šiandien"/"Rytoj" when true.

        ``Šiandien, lapkričio 24 d., antradienis`` / ``Tomorrow, Wednesday 25 November``;
        without ``today`` just the day label."""
        label = self.day_label(day)
        if today is None:
            return label
        relative = {today: "v.day.today", today + timedelta(days=1): "v.day.tomorrow"}.get(day)
        return self("v.day.relative", relative=self(relative), day=label) if relative else label

    def when(self, start: datetime, end: datetime, today: date | None = None) -> str:
        """A booking's time on every visitor screen and ticket: day, then start-end."""
        day = self.day_text(start.date(), today)
        return self("v.when", day=day, start=self.time(start), end=self.time(end))
