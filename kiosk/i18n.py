"""Message catalogues (lt default, en) and Lithuanian/English date forms.

Catalogues are JSON files under ``kiosk/locales/<lang>/``; all files of a language are
merged, so each area (visitor, librarian, ...) keeps its own file. Adding a language
means adding a folder, not touching screen code.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from babel.dates import format_date, format_time

LOCALES = Path(__file__).parent / "locales"
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


# Lithuanian weekday names, nominative -> accusative ("antradienis" -> "antradienį").
def _weekday_accusative(weekday: str) -> str:
    return weekday[:-2] + "į" if weekday.endswith("is") else weekday


@cache
def catalogue(lang: str) -> dict[str, str]:
    folder = LOCALES / lang
    merged: dict[str, str] = {}
    for path in sorted(folder.glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def available_languages() -> list[str]:
    return sorted(p.name for p in LOCALES.iterdir() if p.is_dir() and any(p.glob("*.json")))


class Translator:
    """``t("key", name=...)`` in one language, falling back to Lithuanian, then the key."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = lang

    def __call__(self, key: str, **values: object) -> str:
        text = catalogue(self.lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key) or key
        return no_break(text.format(**values) if values else text)

    t = __call__

    def long_date(self, day: date) -> str:
        """``2026 m. lapkričio 24 d., antradienis`` / ``Tuesday, 24 November 2026``."""
        if self.lang == "en":
            return format_date(day, "EEEE, d MMMM y", locale="en_GB")
        return format_date(day, format="full", locale=self.lang)

    def day_label(self, day: date) -> str:
        """Short day heading: ``lapkričio 24 d., antradienis`` / ``Tuesday 24 November``."""
        if self.lang == "en":
            return format_date(day, "EEEE d MMMM", locale="en_GB")
        return format_date(day, "MMMM d 'd.', EEEE", locale=self.lang)

    def day_on(self, day: date) -> str:
        """The day as "on which day": ``lapkričio 24 d., antradienį`` / ``Tuesday 24 November``.

        Lithuanian puts the weekday in the accusative after "o", "iki" and the like.
        """
        if self.lang == "en":
            return self.day_label(day)
        weekday = format_date(day, "EEEE", locale=self.lang)
        return (
            format_date(day, "MMMM d 'd.'", locale=self.lang) + ", " + _weekday_accusative(weekday)
        )

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
