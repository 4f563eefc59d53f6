"""Help topics: enable/disable, order, names and descriptions per language."""

from __future__ import annotations

from dataclasses import dataclass, replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Input

from kiosk.domain.models import Scout, Topic
from kiosk.domain.validation import (
    BRING_MAX,
    check_bring,
    check_topic_names,
    check_topic_texts,
    slug_from_name,
)
from screens.common import cell, services_of, store_work
from screens.dialogs import FormScreen
from screens.librarian.common import (
    ConsolePane,
    MessageLine,
    cursor_key,
)
from screens.librarian.translations import (
    LanguageTabs,
    missing_label,
    topic_missing,
    visitor_languages,
)
from screens.widgets.words import Words, WordsLabel


class TopicFormScreen(FormScreen[Topic]):
    FORM_NAME = "topic"

    def __init__(
        self, topic: Topic | None, languages: list[str], taken: set[str], order: int
    ) -> None:
        super().__init__(id="topic-form")
        self.topic = topic
        # Every visitor language, one at a time (the library's own languages first).
        self.languages = visitor_languages(languages)
        self.taken = taken
        self.order = order

    def compose(self) -> ComposeResult:
        t = self.t
        tp = self.topic
        with Vertical(classes="lib-dialog lib-wide"):
            yield WordsLabel(
                t("lib.topics.edit_title" if tp else "lib.topics.new_title"),
                classes="lib-dialog-title",
            )
            with VerticalScroll(id="topic-body"):
                if tp is not None:  # a new topic's key is made from its name
                    yield WordsLabel(t("lib.topics.slug"))
                    yield Input(tp.slug, id="topic-slug", disabled=True)
                yield LanguageTabs(
                    "topic",
                    self.languages,
                    ["#topic-name-{lang}"],
                    shadowed=["#topic-desc-{lang}", "#topic-bring-{lang}"],
                )
                yield Words(t("lib.translations.legend"), classes="lib-hint")
                for lang in self.languages:
                    with Vertical(classes=f"lib-lang-fields lang-{lang}"):
                        yield from self._fields(tp, lang)
            yield from self.form_buttons()

    def _fields(self, tp: Topic | None, lang: str) -> ComposeResult:
        t = self.t
        yield WordsLabel(t("lib.topics.name_in", lang=lang.upper()))
        yield Input(tp.names.get(lang, "") if tp else "", id=f"topic-name-{lang}", max_length=60)
        yield WordsLabel(t("lib.topics.desc_in", lang=lang.upper()))
        yield Input(
            tp.descriptions.get(lang, "") if tp else "",
            id=f"topic-desc-{lang}",
            max_length=100,
        )
        yield WordsLabel(t("lib.topics.bring_in", lang=lang.upper()))
        yield Input(
            tp.what_to_bring.get(lang, "") if tp else "",
            id=f"topic-bring-{lang}",
            max_length=BRING_MAX,
            placeholder=t("lib.topics.bring_hint"),
        )

    @on(Input.Changed)
    def _typed(self) -> None:
        tabs = self.query_one(LanguageTabs)
        tabs.show(tabs.chosen)  # a name typed or emptied changes its language's mark

    def build(self) -> Topic:
        names = check_topic_names(
            {lang: self.value(f"#topic-name-{lang}") for lang in self.languages}
        )
        main_name = names.get(self.t.lang) or next(iter(names.values()))
        slug = self.topic.slug if self.topic else slug_from_name(main_name, self.taken)
        descriptions = check_topic_texts(
            {lang: self.value(f"#topic-desc-{lang}") for lang in self.languages}
        )
        # What to bring, on the visitor's ticket; an emptied field removes it.
        bring = check_bring({lang: self.value(f"#topic-bring-{lang}") for lang in self.languages})
        if self.topic is None:
            return Topic(slug, names, descriptions, True, self.order, what_to_bring=bring)

        # An emptied field removes its text (the visitor then reads the Lithuanian one);
        # languages the form does not show keep theirs.
        def kept(texts: dict[str, str]) -> dict[str, str]:
            return {k: v for k, v in texts.items() if k not in self.languages}

        return replace(
            self.topic,
            names={**kept(self.topic.names), **names},
            descriptions={**kept(self.topic.descriptions), **descriptions},
            what_to_bring={**kept(self.topic.what_to_bring), **bring},
        )


@dataclass
class TopicsData:
    topics: list[Topic]
    languages: list[str]
    covered: set[str]  # topics at least one active e-scout covers


def covered_topics(scouts: list[Scout]) -> set[str]:
    """The topics some active e-scout covers (the others cannot be booked)."""
    return {slug for s in scouts if s.active for slug in s.topics}


class TopicsPane(Vertical, ConsolePane):
    BINDINGS = [
        Binding("u", "move(-1)", "lib.topics.up", id="topics-up"),
        Binding("j", "move(1)", "lib.topics.down", id="topics-down"),
        Binding("space", "toggle_active", "lib.topics.toggle", id="topics-toggle"),
    ]

    @dataclass
    class Loaded(Message):
        data: TopicsData

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: TopicsData | None = None
        self.current: str | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        yield DataTable(id="topics-table", cursor_type="row", zebra_stripes=True)
        yield MessageLine(id="topics-message", marks_success=False)
        with Horizontal(classes="lib-buttons"):
            yield Button(t("lib.topics.up_b"), id="topics-up")
            yield Button(t("lib.topics.down_b"), id="topics-down")
            yield Button(t("lib.topics.toggle_b"), id="topics-toggle", variant="warning")
            yield Button(t("lib.topics.edit"), id="topics-edit")
            yield Button(t("lib.topics.new"), id="topics-new", variant="primary")

    def on_mount(self) -> None:
        table = self.query_one("#topics-table", DataTable)
        for key, width in (
            ("order", 4),
            ("slug", 14),
            ("name_lt", 32),
            ("translations", 18),  # beside the name: in sight at 80x24 too
            ("name_en", 30),
            ("state", 12),
            ("topic_scouts", 16),
        ):
            table.add_column(self.t(f"lib.col.{key}"), key=key, width=width)
        self.reload()

    def reload(self) -> None:
        self._load()

    @store_work(group="topics-load")
    def _load(self) -> None:
        c = services_of(self).catalog
        covered = covered_topics(c.scouts())
        self.post_message(self.Loaded(TopicsData(c.topics(), c.settings().languages, covered)))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.data = message.data
        t = self.t
        table = self.query_one("#topics-table", DataTable)
        table.clear()
        for n, tp in enumerate(self.data.topics, start=1):
            style = "" if tp.active else "dim"
            table.add_row(
                cell(str(n), style),
                cell(tp.slug, style),
                cell(tp.names.get(t.lang, ""), style),
                self._translations_cell(tp, style),
                cell(tp.names.get("en", ""), style),
                cell(t("lib.topics.on") if tp.active else t("lib.topics.off"), style),
                self._scouts_cell(tp, style),
                key=tp.slug,
            )
        slugs = [tp.slug for tp in self.data.topics]
        if self.current in slugs:
            table.move_cursor(row=slugs.index(self.current))

    def _scouts_cell(self, topic: Topic, style: str) -> Text:
        """A marked cell when no active e-scout covers the topic (visitors find no time)."""
        t = self.t
        if self.data is None or topic.slug in self.data.covered:
            return cell(t("lib.topics.has_scout"), style)
        return cell(t("lib.topics.no_scout"), "bold" if topic.active else style)

    def _translations_cell(self, topic: Topic, style: str) -> Text:
        """Which offered languages lack the topic's name, description or what to bring:
        visitors there read the Lithuanian text."""
        languages = self.data.languages if self.data else []
        lacking = topic_missing(topic, languages)
        return cell(missing_label(self.t, lacking), "bold" if lacking and topic.active else style)

    def _selected(self) -> Topic | None:
        key = cursor_key(self.query_one("#topics-table", DataTable))
        if self.data is None or key is None:
            return None
        return next((tp for tp in self.data.topics if tp.slug == key), None)

    @on(Button.Pressed, "#topics-up")
    def _up(self) -> None:
        self.action_move(-1)

    @on(Button.Pressed, "#topics-down")
    def _down(self) -> None:
        self.action_move(1)

    def action_move(self, delta: int) -> None:
        topic = self._selected()
        if topic is None or self.data is None:
            return
        topics = list(self.data.topics)
        i = topics.index(topic)
        j = i + delta
        if not 0 <= j < len(topics):
            return
        topics[i], topics[j] = topics[j], topics[i]
        catalog = services_of(self).catalog
        changed = [replace(tp, order=n) for n, tp in enumerate(topics) if tp.order != n]

        def move() -> None:
            catalog.save_topics(changed)  # one transaction: never half a reorder

        self.current = topic.slug
        t = self.t
        self.write(move, t("lib.topics.moved", name=topic.name(t.lang)))

    @on(Button.Pressed, "#topics-toggle")
    def action_toggle_active(self) -> None:
        topic = self._selected()
        if topic is None:
            return
        catalog = services_of(self).catalog
        self.current = topic.slug
        key = "lib.topics.disabled" if topic.active else "lib.topics.enabled"
        t = self.t
        self.write(
            lambda: catalog.save_topic(replace(topic, active=not topic.active)),
            t(key, name=topic.name(t.lang)),
        )

    @on(Button.Pressed, "#topics-edit")
    def _edit(self) -> None:
        if (topic := self._selected()) is not None:
            self._form(topic)

    @on(Button.Pressed, "#topics-new")
    def _new(self) -> None:
        self._form(None)

    def _form(self, topic: Topic | None) -> None:
        if self.data is None:
            return
        catalog = services_of(self).catalog

        def done(result: Topic | None) -> None:
            if result is not None:
                self.current = result.slug
                new = topic is None
                self.write(lambda: catalog.save_topic(result, new=new))

        order = max((tp.order for tp in self.data.topics), default=-1) + 1
        self.app.push_screen(
            TopicFormScreen(
                topic, self.data.languages, {tp.slug for tp in self.data.topics}, order
            ),
            done,
        )
