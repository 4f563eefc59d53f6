"""One language at a time in the console's topic and place forms, and what is untranslated.

Five visitor languages with three texts each would be fifteen fields: the forms show one
language's fields, chosen by a row of buttons, and mark each language that still lacks a text
(the visitor then reads the Lithuanian one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Button, Input

from kiosk.domain.models import Topic
from kiosk.i18n import DEFAULT_LANGUAGE, Translator, available_languages

MISSING_MARK = "*"


def visitor_languages(offered: Iterable[str] = ()) -> list[str]:
    """Lithuanian first, then the library's languages, then every other with visitor words."""
    return list(dict.fromkeys([DEFAULT_LANGUAGE, *offered, *available_languages()]))


def missing(texts: Mapping[str, str], languages: Iterable[str]) -> list[str]:
    """The languages among ``languages`` without a text of their own."""
    return [lang for lang in languages if not texts.get(lang, "").strip()]


def topic_missing(topic: Topic, languages: Iterable[str]) -> list[str]:
    """The languages a topic lacks a text in: its name, or its description or what to bring
    where the Lithuanian one has it (the visitor there reads the Lithuanian text instead)."""
    shadowed = [
        texts
        for texts in (topic.descriptions, topic.what_to_bring)
        if texts.get(DEFAULT_LANGUAGE, "").strip()
    ]
    return [
        lang
        for lang in languages
        if not topic.names.get(lang, "").strip()
        or any(not texts.get(lang, "").strip() for texts in shadowed)
    ]


def missing_label(t: Translator, languages: list[str]) -> str:
    """The list's cell: which translations are missing, in words (never a colour alone)."""
    if not languages:
        return t("lib.translations.complete")
    return t("lib.translations.missing", langs=", ".join(lang.upper() for lang in languages))


class LanguageTabs(Horizontal):
    """A button per language; the form shows the chosen language's fields only.

    Fields of language ``xx`` sit in a container with the class ``lang-xx``; a language whose
    ``required`` fields (selectors with ``{lang}``) are empty is marked ``RU*``, and so is one
    whose ``shadowed`` field is empty where the Lithuanian one is not (the visitor would read
    the Lithuanian text).
    """

    DEFAULT_CSS = """
    LanguageTabs {
        height: auto;
        margin-top: 1;
    }
    LanguageTabs Button {
        min-width: 8;
        margin-right: 1;
    }
    """

    def __init__(
        self,
        prefix: str,
        languages: list[str],
        required: list[str],
        shadowed: list[str] | None = None,
    ) -> None:
        super().__init__(id=f"{prefix}-langs", classes="lib-lang-tabs")
        self.prefix = prefix
        self.languages = languages
        self.required = required
        self.shadowed = shadowed or []
        self.chosen = languages[0]

    def compose(self) -> ComposeResult:
        for lang in self.languages:
            yield Button(lang.upper(), id=f"{self.prefix}-lang-{lang}", classes="lib-small")

    def on_mount(self) -> None:
        self.show(self.chosen)

    def lacking(self, lang: str) -> bool:
        """Whether a field of ``lang`` is empty where the visitor would read Lithuanian."""
        form = self.screen

        def empty(selector: str, lang: str) -> bool:
            fields = form.query(selector.format(lang=lang)).results(Input)
            return any(not field.value.strip() for field in fields)

        if any(empty(selector, lang) for selector in self.required):
            return True
        return any(
            empty(selector, lang) and not empty(selector, DEFAULT_LANGUAGE)
            for selector in self.shadowed
        )

    def show(self, lang: str) -> None:
        """Show ``lang``'s fields, hide the others', and mark every language still lacking."""
        self.chosen = lang
        form = self.screen
        for other in self.languages:
            for box in form.query(f".lang-{other}").results(Widget):
                box.display = other == lang
            button = self.query_one(f"#{self.prefix}-lang-{other}", Button)
            mark = MISSING_MARK if self.lacking(other) else ""
            button.label = ("\u25b8 " if other == lang else "") + other.upper() + mark
            button.variant = "primary" if other == lang else "default"

    @on(Button.Pressed)
    def _chosen(self, event: Button.Pressed) -> None:
        event.stop()
        self.show((event.button.id or "").rsplit("-", 1)[-1])
