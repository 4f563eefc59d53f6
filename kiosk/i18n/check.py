"""``make i18n``: the templates from the code, and a check that every language is complete.

    python -m kiosk.i18n.check template build/i18n/keys.pot   # after pybabel extract
    python -m kiosk.i18n.check                               # after pybabel update

Lithuanian is the source language: its PO files say which messages exist and which have
plural forms. ``template`` keeps those the code uses (the keys ``pybabel extract`` found, and
every message under a key the code builds: ``f"v.status.{x}"`` is found as ``v.status.*``, a
literal ``"v.err"`` that heads messages as ``v.err.*``) and writes ``kiosk/locales/<domain>.pot``,
which ``pybabel update`` then brings into every language. The check fails with a list when a
language misses a message or a plural form, or a message's ``{placeholders}`` differ from the
Lithuanian ones. The visitor domain must be complete in every language except drafts (a visitor
PO whose header is marked fuzzy, not offered to visitors); the librarian domain in the console's
languages only (others fall back to Lithuanian).
"""

from __future__ import annotations

import gettext
import string
import sys
from datetime import date
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from kiosk.i18n import DEFAULT_LANGUAGE, DOMAINS, LOCALES, languages_in, po_path
from kiosk.i18n.extract import DYNAMIC

SOURCE = DEFAULT_LANGUAGE
CONSOLE_LANGUAGES = ("lt", "en")  # the console and the e-scouts' screens are offered in these
DATE_PATTERNS = ("date.long", "date.day", "date.on_date")  # CLDR patterns, not sentences
SAMPLE_DAY = date(2026, 11, 24)


def template_path(domain: str, root: Path | None = None) -> Path:
    return (root or LOCALES) / f"{domain}.pot"


def read(path: Path, lang: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=lang)


def key_of(message: Message) -> str:
    return str(message.id[0] if isinstance(message.id, tuple | list) else message.id)


def forms_of(message: Message) -> tuple[str, ...]:
    value = message.string
    return tuple(value) if isinstance(value, tuple | list) else (value or "",)


def placeholders(text: str) -> set[str]:
    """``{name}`` fields of a message (``{count}`` of a plural form aside: a form may say
    "one" in words)."""
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError:
        return {"<unbalanced braces>"}
    return {name.split(".")[0].split("[")[0] for name in fields}


# -- templates ------------------------------------------------------------------------


def used_keys(keys_pot: Path, messages: set[str]) -> tuple[set[str], set[str]]:
    """The keys the code names and the heads of keys it builds, from ``pybabel extract``."""
    found = {key_of(m) for m in read(keys_pot) if m.id}
    heads = {key.removesuffix(DYNAMIC) for key in found if key.endswith(DYNAMIC)}
    exact = {key for key in found if not key.endswith(DYNAMIC)}
    # A literal that is no message but heads some ("v.err" in f"{prefix}.{code}") is a head.
    heads |= {
        f"{key}." for key in exact - messages if any(m.startswith(f"{key}.") for m in messages)
    }
    return exact, heads


def build_templates(keys_pot: Path, root: Path | None = None) -> tuple[list[str], list[str]]:
    """Write each domain's template from the source catalogue; (errors, notes)."""
    sources = {d: read(po_path(SOURCE, d, root), SOURCE) for d in DOMAINS}
    messages = {key_of(m) for c in sources.values() for m in c if m.id}
    exact, heads = used_keys(keys_pot, messages)
    errors = [
        f"used in the code but in no {SOURCE} catalogue: {key}"
        for key in sorted(exact - messages)
        if not any(f"{key}.".startswith(h) or key.startswith(h) for h in heads)
    ]
    notes = []
    for domain, source in sources.items():
        template = Catalog(domain=domain, project="escout-kiosk", version="0.1.0", fuzzy=False)
        for message in source:
            key = key_of(message)
            if not message.id:
                continue
            if key in exact or any(key.startswith(h) for h in heads):
                template[key] = Message((key, key) if message.pluralizable else key)
            else:
                notes.append(f"not used by the code, left out of {domain}.pot: {key}")
        _write_if_changed(template_path(domain, root), template)
    return errors, notes


def _write_if_changed(path: Path, template: Catalog) -> None:
    """Only a change of messages rewrites the template (its date alone would churn)."""

    def shape(catalog: Catalog) -> list[object]:
        return [m.id for m in catalog if m.id]

    if path.exists() and shape(read(path)) == shape(template):
        return
    with path.open("wb") as handle:
        write_po(handle, template, width=0, omit_header=False)


# -- the check ------------------------------------------------------------------------


def _check_dates(lang: str, catalog: Catalog) -> list[str]:
    errors = []
    for key in DATE_PATTERNS:
        message = catalog.get(key)
        if message is None or not message.string:
            continue
        try:
            format_date(SAMPLE_DAY, str(message.string), locale=lang)
        except Exception as exc:  # any pattern Babel cannot use is the translator's to fix
            errors.append(f"{lang}: {key}: not a date pattern ({exc})")
    return errors


# The counts a plural rule is compared on: every form of every CLDR rule shows up below 200.
PLURAL_SAMPLE = range(201)


def plural_choices(num_plurals: int, expr: str) -> tuple[int, tuple[int, ...]]:
    """What a ``Plural-Forms`` rule selects for n = 0..200: two rules that Babel releases word
    differently ("n%10==1 && n%100!=11" or "(n%10==1 && n%100!=11)") compare equal."""
    rule = gettext.c2py(expr)
    return num_plurals, tuple(rule(n) for n in PLURAL_SAMPLE)


def _check_header(lang: str, domain: str, catalog: Catalog) -> list[str]:
    try:
        cldr = Catalog(locale=Locale.parse(lang))
    except (UnknownLocaleError, ValueError):
        return [f"{lang}: not a locale Babel knows (CLDR): dates cannot be formatted"]
    try:
        ours = plural_choices(catalog.num_plurals, catalog.plural_expr)
    except (ValueError, SyntaxError):
        return [f"{lang}/{domain}: Plural-Forms {catalog.plural_forms!r} is not a gettext rule"]
    if ours != plural_choices(cldr.num_plurals, cldr.plural_expr):
        return [
            f"{lang}/{domain}: Plural-Forms {catalog.plural_forms!r} selects other forms than "
            f"CLDR's {cldr.plural_forms!r}"
        ]
    return []


def check_language(lang: str, domain: str, source: Catalog, catalog: Catalog) -> list[str]:
    """Placeholders and plural forms of every message; missing ones are counted apart."""
    errors = _check_header(lang, domain, catalog)
    for message in catalog:
        key = key_of(message)
        if not message.id:
            continue
        original = source.get(key)
        if original is None:
            errors.append(f"{lang}/{domain}: {key}: not in the {SOURCE} catalogue")
            continue
        forms = forms_of(message)
        if not any(forms):
            continue  # untranslated: reported as missing
        if not all(forms):
            empty = ", ".join(str(i) for i, form in enumerate(forms) if not form)
            errors.append(f"{lang}/{domain}: {key}: plural form {empty} is empty")
            continue
        if original.pluralizable != message.pluralizable:
            kind = "plural forms" if original.pluralizable else "one text"
            errors.append(f"{lang}/{domain}: {key}: should have {kind}, like {SOURCE}")
            continue
        if message.pluralizable and len(forms) != catalog.num_plurals:
            errors.append(
                f"{lang}/{domain}: {key}: {len(forms)} plural forms, "
                f"the language has {catalog.num_plurals}"
            )
        want = set().union(*(placeholders(f) for f in forms_of(original)))
        for form in forms:
            have = placeholders(form)
            if message.pluralizable:
                have, want_here = have - {"count"}, want - {"count"}
            else:
                want_here = want
            if have != want_here:
                errors.append(
                    f"{lang}/{domain}: {key}: placeholders {sorted(have)}, "
                    f"{SOURCE} has {sorted(want_here)}"
                )
    if domain == "visitor":
        errors += _check_dates(lang, catalog)
    return errors


def missing(source: Catalog, catalog: Catalog) -> list[str]:
    done = {key_of(m) for m in catalog if m.id and all(forms_of(m)) and not m.fuzzy}
    return [key_of(m) for m in source if m.id and key_of(m) not in done]


def problems(root: Path | None = None) -> tuple[list[str], list[str]]:
    """(errors, notes) for every language under ``root``."""
    errors: list[str] = []
    notes: list[str] = []
    for domain in DOMAINS:
        source = read(po_path(SOURCE, domain, root), SOURCE)
        for lang in languages_in(root):
            path = po_path(lang, domain, root)
            required = domain == "visitor" or lang in CONSOLE_LANGUAGES
            if not path.exists():
                if required:
                    errors.append(f"{lang}: no {domain} catalogue ({path.name})")
                continue
            catalog = read(path, lang)
            errors += check_language(lang, domain, source, catalog)
            absent = missing(source, catalog)
            draft = domain == "visitor" and catalog.fuzzy and lang != SOURCE
            if absent and required and not draft:
                errors.append(f"{lang}/{domain}: missing {len(absent)}: {', '.join(absent)}")
            elif absent:
                why = "a draft, not offered to visitors" if draft else "falls back to Lithuanian"
                notes.append(f"{lang}/{domain}: {len(absent)} messages to translate ({why})")
    return errors, notes


def main(argv: list[str]) -> int:
    if argv[:1] == ["template"] and len(argv) == 2:
        errors, notes = build_templates(Path(argv[1]))
    elif not argv:
        errors, notes = problems()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    for note in notes:
        print(note)
    for error in errors:
        print(f"ERROR {error}", file=sys.stderr)
    if errors:
        print(f"{len(errors)} catalogue problem(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
