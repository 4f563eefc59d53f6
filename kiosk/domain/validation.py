"""Validation of what people type, shared by the screens, the CLI and the tests.

Visitors: first names and phone numbers (Lithuanian local forms, or any with its + code).
The librarian's forms: times, dates, e-scout names, topic keys and names, places,
languages, settings numbers, opening hours.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, time

import phonenumbers

from kiosk.domain.clock import check_day
from kiosk.domain.errors import ErrorCode, ValidationError
from kiosk.domain.models import BUFFER_RANGE, SEATS_RANGE, SETTING_RANGES, Scout, Settings

NAME_MAX = 40
# Vietnamese needs two (ệ: circumflex and dot below), as do Greek (ΐ) and Lithuanian's
# accented letters (ą̃, ė́); a name needs no more.
MARKS_PER_LETTER = 2
_NAME_PUNCT = {" ", "-", "'", "\u2019"}  # space, hyphen, apostrophe, typographic apostrophe
_MARKUP = set("[]<>{}\\")
_PHONE_SEPARATORS = re.compile(r"[\s\-().]")
# Controls (C0, DEL, C1), format characters (bidi embeddings, overrides, isolates and marks,
# zero-width characters, the BOM, soft hyphen, tags...) and lone surrogates: they show
# nothing, or turn a line around, or drive a terminal.
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs"})
# Unicode's other default-ignorable code points, letters and marks that show nothing:
# the combining grapheme joiner, Hangul fillers, Khmer inherent vowels, Mongolian and
# other variation selectors, and the reserved ones.
_IGNORABLE = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180f\u3164\ufe00-\ufe0f\uffa0"
    "\ufff0-\ufff8\U000e0000-\U000e0fff]"
)


def is_hidden(ch: str) -> bool:
    """A character that shows nothing (or reorders or steers what is shown)."""
    return unicodedata.category(ch) in _HIDDEN_CATEGORIES or _IGNORABLE.match(ch) is not None


def plain_text(raw: str) -> str:
    """``raw`` as one line of what can be seen: every run of white space (tabs, line breaks
    included) one space; control, bidi and other invisible format characters removed.

    The one tidying of free text before it is stored: reasons, notes, places, closures..."""
    spaced = " ".join(raw.split())
    return " ".join("".join(ch for ch in spaced if not is_hidden(ch)).split())


def plain_texts(texts: dict[str, str]) -> dict[str, str]:
    """Texts per language, each made plain (``plain_text``)."""
    return {lang: plain_text(text) for lang, text in texts.items()}


def _marks_stacked(text: str) -> bool:
    """A combining mark that sits on no letter, or more than ``MARKS_PER_LETTER`` on one
    ("zalgo" text spilling over the lines above and below). Counted decomposed, so a
    precomposed letter's own marks count too (à with two more marks is three)."""
    run = 0
    after_letter = False
    for ch in unicodedata.normalize("NFD", text):
        category = unicodedata.category(ch)
        if category.startswith("M"):
            run += 1
            if not after_letter or run > MARKS_PER_LETTER:
                return True
        else:
            run = 0
            after_letter = category.startswith("L")
    return False


def clean_name(raw: str) -> str:
    """Return the first name tidied (NFC, single spaces) or raise ValidationError.

    Letters of any alphabet, spaces, hyphen and apostrophe; 1-40 characters.
    """
    if not isinstance(raw, str):
        raise ValidationError("name_required", "Please enter your first name.", field="name")
    text = unicodedata.normalize("NFC", raw)
    if any(is_hidden(ch) or unicodedata.category(ch) in ("Co", "Cn") for ch in text):
        raise ValidationError(
            ErrorCode.NAME_CONTROL, "The name contains invisible control characters.", field="name"
        )
    text = " ".join(text.split())
    if not text:
        raise ValidationError("name_required", "Please enter your first name.", field="name")
    if len(text) > NAME_MAX:
        raise ValidationError(
            "name_too_long", f"The name is too long (at most {NAME_MAX} characters).", field="name"
        )
    if any(ch in _MARKUP for ch in text):
        raise ValidationError(
            "name_markup", "The name may not contain brackets or similar symbols.", field="name"
        )
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _NAME_PUNCT or category.startswith("L") or category.startswith("M"):
            continue
        if category == "Nd":
            raise ValidationError("name_digits", "The name may not contain digits.", field="name")
        raise ValidationError(
            "name_chars",
            "Please use only letters, spaces, hyphens and apostrophes in the name.",
            field="name",
        )
    if not any(unicodedata.category(ch).startswith("L") for ch in text):
        raise ValidationError("name_required", "Please enter your first name.", field="name")
    if _marks_stacked(text):
        raise ValidationError(
            "name_chars",
            f"Too many accent marks in the name (at most {MARKS_PER_LETTER} on a letter).",
            field="name",
        )
    if not unicodedata.category(text[0]).startswith("L"):
        # Also keeps a name from starting like a spreadsheet formula ("-", "'").
        raise ValidationError("name_start", "The name must start with a letter.", field="name")
    return text


def normalize_phone(raw: str | None) -> str | None:
    """Return the number in E.164 (``+37061234567``), None when empty; else raise.

    Any valid international number (+44..., 0044...); Lithuanian local forms are read as
    Lithuanian: 370..., the national 8... form and a bare 8-digit number (6xxxxxxx mobile).
    """
    if raw is None:
        return None
    text = _PHONE_SEPARATORS.sub("", raw.strip())
    if not text:
        return None
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        if not text[1:].isdigit():
            raise _bad_phone()
        candidate = text
    elif not text.isdigit():
        raise _bad_phone()
    elif text.startswith("370") and len(text) == 11:
        candidate = "+" + text
    elif text.startswith("8") and len(text) == 9:
        candidate = "+370" + text[1:]
    elif len(text) == 8 and text[0] in "3456":
        # A bare national number; one starting with 8 is more likely "8 + a digit short".
        candidate = "+370" + text
    else:
        raise _bad_phone()
    try:
        number = phonenumbers.parse(candidate, None)
    except phonenumbers.NumberParseException:
        raise _bad_phone() from None
    if not phonenumbers.is_valid_number(number):
        raise _bad_phone()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(phone: str | None) -> str:
    """A stored phone grouped for reading aloud (``+370 612 34567``); empty when none.

    The one way a phone reaches a screen; a number that no longer parses is shown as stored.
    """
    if not phone:
        return ""
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _bad_phone() -> ValidationError:
    return ValidationError(
        "phone_invalid",
        "Please enter a phone number, e.g. 8 612 34567 or +370 612 34567 "
        "(another country's with its + code).",
        field="phone",
    )


def visitor_key(name: str, phone: str | None) -> tuple[str, str]:
    """Identity used for the per-visitor booking limit: same first name and phone."""
    return (name.casefold(), phone or "")


# -- the librarian's forms ----------------------------------------------------------------

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,30}$")
SCOUT_NAME_MAX = 40
PLACE_MAX = 60
# A place's "how to find it" and a topic's "what to bring": a few lines on a ticket that
# must fit a 78x18 kiosk page and a receipt.
DIRECTIONS_MAX = 160
BRING_MAX = 120


def parse_hhmm(text: str, field: str = "time") -> str:
    """``09:30`` -> ``09:30``; ``9:5``, ``9:30`` or ``09:30:10`` are refused."""
    text = text.strip()
    try:
        parsed = time.fromisoformat(text)
    except ValueError:
        raise _bad_time(text, field) from None
    if len(text) != 5 or parsed.second:
        raise _bad_time(text, field)
    return parsed.strftime("%H:%M")


def _bad_time(text: str, field: str) -> ValidationError:
    return ValidationError(ErrorCode.BAD_TIME, f"Not a time (HH:MM): {text!r}.", field=field)


def parse_day(text: str, field: str = "date") -> date:
    """An ISO date ``YYYY-MM-DD`` within the dates the kiosk works with (``check_day``)."""
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(
            ErrorCode.BAD_DATE, f"Not a date (YYYY-MM-DD): {text!r}.", field=field
        ) from None
    try:
        return check_day(day)
    except ValueError as exc:
        raise ValidationError(ErrorCode.BAD_DATE, f"{field}: {exc}", field=field) from None


def check_span(start: str, end: str) -> tuple[str, str]:
    """Two times of one day, the end after the start."""
    a, b = parse_hhmm(start, "start"), parse_hhmm(end, "end")
    if a >= b:
        raise ValidationError(
            ErrorCode.END_BEFORE_START, "The end must be after the start.", field="end"
        )
    return a, b


def check_period(first_text: str, last_text: str) -> tuple[date, date]:
    """A run of days (a closure); an empty last day means the first day only."""
    first = parse_day(first_text, "first")
    last = parse_day(last_text, "last") if last_text.strip() else first
    if last < first:
        raise ValidationError(
            ErrorCode.END_BEFORE_START, "The end must be after the start.", field="last"
        )
    return first, last


def check_hours(text: str) -> tuple[str, str] | None:
    """One day's opening hours ``10:00-19:00``; empty means closed (None)."""
    text = text.strip()
    if not text:
        return None
    if "-" not in text:
        raise ValidationError(
            ErrorCode.BAD_HOURS, "Write opening hours like 10:00-19:00.", field="hours"
        )
    start, end = text.split("-", 1)
    return check_span(start, end)


def required_text(raw: str, code: ErrorCode, message: str, field: str) -> str:
    """``raw`` made plain (``plain_text``); refused when nothing is left."""
    text = plain_text(raw)
    if not text:
        raise ValidationError(code, message, field=field)
    return text


def check_scout_name(raw: str) -> str:
    """An e-scout's display name (first name and initial), tidied; no markup brackets, no
    invisible characters, a letter to see and no pile of accent marks."""
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    if (
        not name
        or len(name) > SCOUT_NAME_MAX
        or any(ch in _MARKUP or is_hidden(ch) for ch in name)
        or not any(unicodedata.category(ch).startswith("L") for ch in name)
        or _marks_stacked(name)
    ):
        raise ValidationError(
            ErrorCode.SCOUT_NAME, "Enter the e-scout's name, e.g. Ieva K.", field="name"
        )
    return name


FULL_NAME_MAX = 80


def check_full_name(raw: str) -> str:
    """An e-scout's full name for certificates, made plain; "" (none) is allowed."""
    name = " ".join(plain_text(raw).split())
    if len(name) > FULL_NAME_MAX:
        raise ValidationError(
            ErrorCode.SCOUT_NAME,
            f"The full name is at most {FULL_NAME_MAX} characters.",
            field="full_name",
        )
    return name


def check_chosen_languages(languages: list[str]) -> list[str]:
    """At least one language ticked."""
    if not languages:
        raise ValidationError(ErrorCode.LANGUAGES_REQUIRED, "Choose a language.", field="languages")
    return languages


def check_place(raw: str) -> str:
    """Where in the library (``Skaitykla, 2 stalas``): required."""
    return required_text(raw, ErrorCode.PLACE_REQUIRED, "Enter the place in the library.", "place")


def check_short_texts(texts: dict[str, str], most: int, field: str) -> dict[str, str]:
    """Texts per language, tidied, empty ones dropped, none longer than ``most``."""
    kept = check_topic_texts(texts)
    for text in kept.values():
        if len(text) > most or any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
            raise ValidationError(
                ErrorCode.TEXT_TOO_LONG,
                f"Keep it to {most} characters of plain text.",
                field=field,
                most=most,
            )
    return kept


def check_place_record(
    name: str, names: dict[str, str], directions: dict[str, str]
) -> tuple[str, dict[str, str], dict[str, str]]:
    """A place's Lithuanian name (required), its other names and its directions."""
    kept = check_place(name)
    if len(kept) > PLACE_MAX:
        raise ValidationError(
            ErrorCode.TEXT_TOO_LONG,
            f"Keep it to {PLACE_MAX} characters.",
            field="place",
            most=PLACE_MAX,
        )
    return (
        kept,
        check_short_texts(names, PLACE_MAX, "place"),
        check_short_texts(directions, DIRECTIONS_MAX, "directions"),
    )


def check_bring(texts: dict[str, str]) -> dict[str, str]:
    """A topic's "what to bring" per language (may be empty)."""
    return check_short_texts(texts, BRING_MAX, "what_to_bring")


def check_slug(raw: str, taken: set[str]) -> str:
    """A new topic's stable key: a-z, 0-9 and hyphens, 2-31 characters, not yet used."""
    slug = raw.strip()
    if not SLUG.match(slug):
        raise ValidationError(ErrorCode.BAD_SLUG, "Use a-z, 0-9 and hyphens (2-31).", field="slug")
    if slug in taken:
        raise ValidationError(ErrorCode.SLUG_TAKEN, "That key is already used.", field="slug")
    return slug


def slug_from_name(name: str, taken: set[str]) -> str:
    """A new topic's key made from its name: ASCII, lower case, hyphens, unique.

    ``El. bankininkystė`` -> ``el-bankininkyste`` (``-2``, ``-3``... when taken)."""
    ascii_text = "".join(
        ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch)
    )
    words = re.findall(r"[a-z0-9]+", ascii_text.casefold().encode("ascii", "ignore").decode())
    base = "-".join(words)[:28].strip("-")
    if len(base) < 2:
        base = "tema"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def check_topic_texts(texts: dict[str, str]) -> dict[str, str]:
    """Names (or descriptions) per language, empty ones dropped."""
    return {lang: " ".join(text.split()) for lang, text in texts.items() if text.strip()}


def check_topic_names(names: dict[str, str]) -> dict[str, str]:
    """A topic needs a name in at least one language."""
    kept = check_topic_texts(names)
    if not kept:
        raise ValidationError(ErrorCode.TOPIC_NAME, "Enter the topic's name.", field="name")
    return kept


def check_library_name(raw: str) -> str:
    return required_text(raw, ErrorCode.LIBRARY_NAME, "Enter the library's name.", "library_name")


# The library's id in the programme's results file: a country code, a hyphen and letters,
# digits and hyphens (``LT-VAMB``); the municipality is plain text of a line.
LIBRARY_ID = re.compile(r"^[A-Z]{2}-[A-Z0-9]+(?:-[A-Z0-9]+)*$")
LIBRARY_ID_MAX = 32
MUNICIPALITY_MAX = 80


def check_library_id(raw: str) -> str:
    """``lt-vamb`` -> ``LT-VAMB``; empty (not set: the results file names the library by a
    pseudonym) stays empty; anything else not like ``LT-XYZ`` (up to 32) is refused."""
    text = raw.strip().upper()
    if text and (len(text) > LIBRARY_ID_MAX or not LIBRARY_ID.match(text)):
        raise ValidationError(
            ErrorCode.BAD_LIBRARY_ID,
            f"library_id: a country code, a hyphen, then A-Z, 0-9 and hyphens, e.g. LT-VAMB "
            f"(up to {LIBRARY_ID_MAX}), or empty",
            field="library_id",
        )
    return text


def check_municipality(raw: str) -> str:
    """The municipality as plain text (``plain_text``), up to 80 characters; may be empty."""
    text = plain_text(raw)
    if len(text) > MUNICIPALITY_MAX or any(ch in _MARKUP for ch in text):
        raise ValidationError(
            ErrorCode.BAD_MUNICIPALITY,
            f"municipality: plain text without brackets, up to {MUNICIPALITY_MAX} characters",
            field="municipality",
            most=MUNICIPALITY_MAX,
        )
    return text


def parse_languages(raw: str) -> list[str]:
    """``lt, en`` -> ``["lt", "en"]``: two-letter codes, at least one."""
    languages = [x.strip().lower() for x in raw.split(",")]
    languages = [x for x in languages if x]
    if not languages or any(not (x.isalpha() and x.isascii() and len(x) == 2) for x in languages):
        raise ValidationError(
            ErrorCode.BAD_LANGUAGES, "Languages: two-letter codes.", field="languages"
        )
    return languages


def check_number(field: str, raw: str, low: int, high: int) -> int:
    """A whole number within ``low``..``high`` (settings), typed as ASCII digits."""
    text = raw.strip()
    if (
        not (text.isascii() and text.isdigit())
        or len(text) > len(str(high)) + 2  # leading zeros, never an endless number
        or not low <= int(text) <= high
    ):
        raise ValidationError(
            ErrorCode.NUMBER_RANGE,
            f"{field}: enter a number from {low} to {high}.",
            field=field,
            low=low,
            high=high,
        )
    return int(text)


# -- what the data may hold: settings, seats, buffers -----------------------------------


def setting_range(name: str) -> tuple[int, int]:
    """The allowed range of a whole-number setting (KeyError for a name not in the table)."""
    return SETTING_RANGES[name]


def parse_setting(name: str, raw: str, label: str | None = None) -> int:
    """A whole-number setting typed as text (the Settings tab, the command line), checked
    against its range; ``label`` names the field in the refusal (default: its key)."""
    low, high = setting_range(name)
    return check_number(label or name, raw, low, high)


def check_in_range(field: str, value: object, low: int, high: int) -> int:
    """``value`` if it is a whole number within ``low``..``high``; else one line naming
    ``field`` (and what it held)."""
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(
            ErrorCode.NUMBER_RANGE,
            f"{field} is {value!r:.20}, not a whole number from {low} to {high}",
            field=field,
            low=low,
            high=high,
        )
    return value


def check_setting(name: str, value: object) -> int:
    """A whole-number setting's stored value, checked against its range."""
    return check_in_range(name, value, *setting_range(name))


def check_seats(value: object) -> int:
    """The seats of a weekly time or an extra session: 1, or 2-8 for a small group."""
    return check_in_range("seats", value, *SEATS_RANGE)


def check_group_topic(seats: int, topic: str, scout: Scout) -> str:
    """A session's own topic: only a group (2 or more seats) has one, and it must be one of
    the e-scout's topics. "" leaves a group to the e-scout's first topic."""
    topic = topic.strip()
    if not topic:
        return ""
    if seats <= 1:
        raise ValidationError(
            ErrorCode.GROUP_TOPIC,
            "a topic is for a group session: give it 2 or more seats",
            field="topic",
        )
    if topic not in scout.topics:
        raise ValidationError(
            ErrorCode.GROUP_TOPIC,
            f"{scout.name} does not cover the topic {topic[:40]!r}",
            field="topic",
        )
    return topic


def check_buffer(value: object) -> int:
    """An e-scout's minutes kept free after each consultation."""
    return check_in_range("buffer_minutes", value, *BUFFER_RANGE)


def check_settings(settings: Settings) -> Settings:
    """``settings`` if every one holds what the kiosk can work with (each number within its
    range, a library name, two-letter languages, opening hours that open before they close);
    else ValidationError naming the first that does not."""
    for name in SETTING_RANGES:
        check_setting(name, getattr(settings, name))
    check_library_name(settings.library_name)
    if not settings.languages or any(
        not (isinstance(x, str) and len(x) == 2 and x.isascii() and x.isalpha() and x.islower())
        for x in settings.languages
    ):
        raise ValidationError(
            ErrorCode.BAD_LANGUAGES,
            f"languages {settings.languages!r:.40}: two-letter codes, at least one",
            field="languages",
        )
    for hours in settings.opening_hours:
        if hours.weekday not in range(7):
            raise ValidationError(
                ErrorCode.BAD_HOURS,
                f"opening hours: weekday {hours.weekday!r:.20} is not 0-6",
                field="hours",
            )
        check_span(hours.open, hours.close)
    return settings
