"""E-scouts: who they are, their topics and languages, weekly times, absences and extras."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Checkbox, DataTable, Input, Label, Select, SelectionList, Static

from kiosk.catalog import scout_id_from_name
from kiosk.errors import KioskError
from kiosk.models import Booking, DatedException, ExceptionKind, Scout, Topic, WeeklyTime
from kiosk.validation import (
    check_chosen_languages,
    check_place,
    check_scout_name,
    check_span,
    parse_day,
)
from screens.common import cell, safe_text, services_of, store_work
from screens.dialogs import FormScreen, YesNoScreen
from screens.librarian.common import booking_line, console_language, refusal, t

WEEKDAY_KEYS = [f"lib.weekday.{n}" for n in range(7)]
EXTRA_LANGUAGES = ["ru", "uk", "pl"]  # often spoken by e-scouts beyond the kiosk's own


# -- dialogs ----------------------------------------------------------------------------


class ScoutFormScreen(FormScreen[Scout]):
    FORM_NAME = "scout-form"

    def __init__(
        self, scout: Scout | None, topics: list[Topic], languages: list[str], taken: set[str]
    ) -> None:
        super().__init__(id="scout-form")
        self.scout = scout
        self.topics = topics
        self.languages = languages
        self.taken = taken

    def compose(self) -> ComposeResult:
        s = self.scout
        langs = list(
            dict.fromkeys([*self.languages, *EXTRA_LANGUAGES, *(s.languages if s else [])])
        )
        with VerticalScroll(classes="lib-dialog lib-wide"):
            yield Label(
                t("lib.scouts.edit_title" if s else "lib.scouts.new_title"),
                classes="lib-dialog-title",
            )
            with Horizontal(classes="lib-row"):
                with Vertical(classes="lib-col"):
                    yield Label(t("lib.scouts.name"))
                    yield Input(
                        s.name if s else "",
                        id="scout-name",
                        max_length=40,
                        placeholder=t("lib.scouts.name_ph"),
                    )
                    yield Label(t("lib.scouts.contact"))
                    yield Input(s.contact if s else "", id="scout-contact", max_length=80)
                    yield Label(t("lib.scouts.languages"))
                    yield SelectionList[str](
                        *[
                            (
                                lang.upper(),
                                lang,
                                bool(s and lang in s.languages)
                                or (not s and lang == console_language()),
                            )
                            for lang in langs
                        ],
                        id="scout-languages",
                    )
                    yield Checkbox(
                        t("lib.scouts.active"), value=s.active if s else True, id="scout-active"
                    )
                with Vertical(classes="lib-col"):
                    yield Label(t("lib.scouts.topics"))
                    yield SelectionList[str](
                        *[
                            (
                                safe_text(tp.name(console_language())),
                                tp.slug,
                                bool(s and tp.slug in s.topics),
                            )
                            for tp in self.topics
                        ],
                        id="scout-topics",
                    )
            yield from self.form_buttons()

    def build(self) -> Scout:
        name = check_scout_name(self.value("#scout-name"))
        topics = list(self.query_one("#scout-topics", SelectionList).selected)
        languages = check_chosen_languages(
            list(self.query_one("#scout-languages", SelectionList).selected)
        )
        active = self.query_one("#scout-active", Checkbox).value
        contact = self.value("#scout-contact")
        if self.scout is None:
            return Scout(
                scout_id_from_name(name, self.taken), name, topics, languages, active, contact
            )
        return replace(
            self.scout,
            name=name,
            topics=topics,
            languages=languages,
            active=active,
            contact=contact,
        )


class WeeklyFormScreen(FormScreen[WeeklyTime]):
    FORM_NAME = "weekly-form"

    def __init__(self, scout: Scout, weekly: WeeklyTime | None, new_id: str) -> None:
        super().__init__(id="weekly-form")
        self.scout = scout
        self.weekly = weekly
        self.new_id = new_id

    def compose(self) -> ComposeResult:
        w = self.weekly
        with VerticalScroll(classes="lib-dialog"):
            yield Label(
                safe_text(t("lib.weekly.title", name=self.scout.name)),
                classes="lib-dialog-title",
                markup=False,
            )
            yield Label(t("lib.weekly.weekday"))
            yield Select(
                [(t(k), n) for n, k in enumerate(WEEKDAY_KEYS)],
                id="weekly-weekday",
                value=w.weekday if w else 0,
                allow_blank=False,
            )
            with Horizontal(classes="lib-row"):
                with Vertical(classes="lib-col"):
                    yield Label(t("lib.weekly.start"))
                    yield Input(
                        w.start if w else "", id="weekly-start", placeholder="14:00", max_length=5
                    )
                with Vertical(classes="lib-col"):
                    yield Label(t("lib.weekly.end"))
                    yield Input(
                        w.end if w else "", id="weekly-end", placeholder="17:00", max_length=5
                    )
            yield Label(t("lib.weekly.place"))
            yield Input(
                w.place if w else "",
                id="weekly-place",
                max_length=60,
                placeholder=t("lib.weekly.place_ph"),
            )
            yield from self.form_buttons()

    def build(self) -> WeeklyTime:
        start, end = check_span(self.value("#weekly-start"), self.value("#weekly-end"))
        place = check_place(self.value("#weekly-place"))
        weekday = self.query_one("#weekly-weekday", Select).value
        return WeeklyTime(
            self.weekly.id if self.weekly else self.new_id,
            self.scout.id,
            int(weekday) if isinstance(weekday, int) else 0,
            start,
            end,
            place,
        )


class ExceptionFormScreen(FormScreen[DatedException]):
    FORM_NAME = "exception-form"

    def __init__(self, scout: Scout, kind: ExceptionKind, new_id: str, today: str) -> None:
        super().__init__(id="exception-form")
        self.scout = scout
        self.kind = kind
        self.new_id = new_id
        self.today = today

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="lib-dialog"):
            yield Label(
                safe_text(t(f"lib.exception.title_{self.kind}", name=self.scout.name)),
                classes="lib-dialog-title",
                markup=False,
            )
            yield Label(t("lib.exception.date"))
            yield Input(self.today, id="exception-date", max_length=10)
            with Horizontal(classes="lib-row"):
                with Vertical(classes="lib-col"):
                    yield Label(t(f"lib.exception.start_{self.kind}"))
                    yield Input("", id="exception-start", max_length=5, placeholder="14:00")
                with Vertical(classes="lib-col"):
                    yield Label(t(f"lib.exception.end_{self.kind}"))
                    yield Input("", id="exception-end", max_length=5, placeholder="17:00")
            if self.kind == ExceptionKind.EXTRA:
                yield Label(t("lib.weekly.place"))
                yield Input("", id="exception-place", max_length=60)
            yield Label(t("lib.exception.note"))
            yield Input("", id="exception-note", max_length=80)
            yield from self.form_buttons()

    def build(self) -> DatedException:
        day = parse_day(self.value("#exception-date"))
        start, end = self.value("#exception-start"), self.value("#exception-end")
        place = ""
        if self.kind == ExceptionKind.EXTRA or start or end:
            start, end = check_span(start, end)
        if self.kind == ExceptionKind.EXTRA:
            place = check_place(self.value("#exception-place"))
        return DatedException(
            self.new_id,
            self.scout.id,
            day.isoformat(),
            str(self.kind),
            start or None,
            end or None,
            place,
            self.value("#exception-note"),
        )


# -- the pane ---------------------------------------------------------------------------


@dataclass
class ScoutsData:
    scouts: list[Scout]
    topics: list[Topic]
    weekly: list[WeeklyTime]
    exceptions: list[DatedException]
    languages: list[str]


class ScoutsPane(Vertical):
    BINDINGS = [
        Binding("plus", "new_scout", "lib.scouts.new", id="scouts-new"),
        Binding("e", "edit_scout", "lib.scouts.edit", id="scouts-edit"),
    ]

    @dataclass
    class Loaded(Message):
        data: ScoutsData

    @dataclass
    class ImpactFound(Message):
        """The bookings a change would leave without an e-scout (maybe none)."""

        affected: list[Booking]
        body: str
        apply: Callable[[], None]
        otherwise: YesNoScreen | None  # the question to ask when none are affected

    @dataclass
    class Applied(Message):
        text: str
        error: bool = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: ScoutsData | None = None
        self.current: str | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="scouts-main"):
            with Vertical(id="scouts-left"):
                yield DataTable(id="scouts-table", cursor_type="row", zebra_stripes=True)
                with Horizontal(classes="lib-buttons"):
                    yield Button(t("lib.scouts.new"), id="scouts-new", variant="primary")
                    yield Button(t("lib.scouts.edit"), id="scouts-edit")
                    yield Button(t("lib.scouts.toggle"), id="scouts-toggle", variant="warning")
            with Vertical(id="scouts-right"):
                yield Static("", id="scouts-heading", classes="lib-heading")
                yield DataTable(id="weekly-table", cursor_type="row")
                with Horizontal(classes="lib-buttons"):
                    yield Button(t("lib.weekly.add"), id="weekly-add", variant="primary")
                    yield Button(t("lib.weekly.edit"), id="weekly-edit")
                    yield Button(t("lib.weekly.remove"), id="weekly-remove", variant="error")
                yield DataTable(id="exceptions-table", cursor_type="row")
                with Horizontal(classes="lib-buttons"):
                    yield Button(
                        t("lib.exception.add_absent"), id="exception-absent", variant="warning"
                    )
                    yield Button(
                        t("lib.exception.add_extra"), id="exception-extra", variant="primary"
                    )
                    yield Button(t("lib.exception.remove"), id="exception-remove", variant="error")
        yield Static("", id="scouts-message")

    def on_mount(self) -> None:
        self.query_one("#scouts-table", DataTable).add_columns(
            t("lib.col.scout"), t("lib.col.topics_n"), t("lib.col.languages"), t("lib.col.active")
        )
        self.query_one("#weekly-table", DataTable).add_columns(
            t("lib.col.weekday"), t("lib.col.from"), t("lib.col.to"), t("lib.col.place")
        )
        self.query_one("#exceptions-table", DataTable).add_columns(
            t("lib.col.date"),
            t("lib.col.kind"),
            t("lib.col.from"),
            t("lib.col.to"),
            t("lib.col.place"),
            t("lib.col.note"),
        )
        self.reload()

    def reload(self) -> None:
        self._load()

    @store_work(group="scouts-load")
    def _load(self) -> None:
        c = services_of(self).catalog
        self.post_message(
            self.Loaded(
                ScoutsData(
                    c.scouts(), c.topics(), c.weekly_times(), c.exceptions(), c.settings().languages
                )
            )
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.data = message.data
        table = self.query_one("#scouts-table", DataTable)
        table.clear()
        for s in self.data.scouts:
            table.add_row(
                cell(s.name),
                cell(str(len(s.topics))),
                cell(", ".join(s.languages)),
                cell(t("lib.yes") if s.active else t("lib.scouts.inactive")),
                key=s.id,
            )
        ids = [s.id for s in self.data.scouts]
        if self.current in ids:
            table.move_cursor(row=ids.index(self.current))
        elif ids:
            self.current = ids[0]
        self._fill_right()

    @on(DataTable.RowHighlighted, "#scouts-table")
    def _scout_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key.value is not None:
            self.current = str(event.row_key.value)
            self._fill_right()

    def scout(self) -> Scout | None:
        if self.data is None:
            return None
        return next((s for s in self.data.scouts if s.id == self.current), None)

    def _fill_right(self) -> None:
        scout = self.scout()
        weekly = self.query_one("#weekly-table", DataTable)
        exceptions = self.query_one("#exceptions-table", DataTable)
        weekly.clear()
        exceptions.clear()
        if scout is None or self.data is None:
            self.query_one("#scouts-heading", Static).update(t("lib.scouts.none"))
            return
        topics = {tp.slug: tp.name(console_language()) for tp in self.data.topics}
        heading = t(
            "lib.scouts.heading",
            name=scout.name,
            topics=", ".join(topics.get(x, x) for x in scout.topics) or "—",
        )
        self.query_one("#scouts-heading", Static).update(cell(heading))
        for w in self.data.weekly:
            if w.scout == scout.id:
                weekly.add_row(
                    cell(t(WEEKDAY_KEYS[w.weekday])),
                    cell(w.start),
                    cell(w.end),
                    cell(w.place),
                    key=w.id,
                )
        for e in self.data.exceptions:
            if e.scout == scout.id:
                exceptions.add_row(
                    cell(e.date),
                    cell(t(f"lib.exception.{e.kind}")),
                    cell(e.start or "—"),
                    cell(e.end or "—"),
                    cell(e.place),
                    cell(e.note),
                    key=e.id,
                )

    def _say(self, text: str, error: bool = False) -> None:
        msg = self.query_one("#scouts-message", Static)
        msg.update(cell(text))
        msg.set_class(error, "lib-error")

    def _row_key(self, table_id: str) -> str | None:
        table = self.query_one(table_id, DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return str(key.value) if key.value is not None else None

    def _warn_then(
        self,
        affected: Callable[[], list[Booking]],
        body: str,
        apply: Callable[[], None],
        otherwise: YesNoScreen | None = None,
    ) -> None:
        """Apply a change, after listing the bookings it leaves without an e-scout (if any).

        Both the look-up and the change are store calls: each runs in a worker.
        """
        self._check(affected, body, apply, otherwise)

    @store_work(group="scouts-write")
    def _check(
        self,
        affected: Callable[[], list[Booking]],
        body: str,
        apply: Callable[[], None],
        otherwise: YesNoScreen | None,
    ) -> None:
        self.post_message(self.ImpactFound(affected(), body, apply, otherwise))

    @on(ImpactFound)
    def _impact_found(self, message: ImpactFound) -> None:
        if not message.affected and message.otherwise is None:
            self._apply(message.apply)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._apply(message.apply)
            elif message.affected:
                self._say(t("lib.scouts.unchanged"))

        if not message.affected and message.otherwise is not None:
            self.app.push_screen(message.otherwise, answered)
            return
        self.app.push_screen(
            YesNoScreen(
                t("lib.scouts.affected_title", n=len(message.affected)),
                message.body,
                [booking_line(b) for b in message.affected],
                yes=t("lib.scouts.save_anyway"),
            ),
            answered,
        )

    @store_work(group="scouts-write")
    def _apply(self, apply: Callable[[], None]) -> None:
        try:
            apply()
        except KioskError as exc:
            self.post_message(self.Applied(refusal(exc), error=True))
            return
        self.post_message(self.Applied(t("lib.saved")))

    @on(Applied)
    def _applied(self, message: Applied) -> None:
        self._say(message.text, error=message.error)
        if not message.error:
            self.reload()

    # scouts
    @on(Button.Pressed, "#scouts-new")
    def action_new_scout(self) -> None:
        self._edit(None)

    @on(Button.Pressed, "#scouts-edit")
    def action_edit_scout(self) -> None:
        if (s := self.scout()) is not None:
            self._edit(s)

    def _edit(self, scout: Scout | None) -> None:
        if self.data is None:
            return
        catalog = services_of(self).catalog

        def done(result: Scout | None) -> None:
            if result is None:
                return
            self.current = result.id
            deactivated = not result.active and scout is not None and scout.active
            self._warn_then(
                lambda: catalog.affected_by_deactivation(result.id) if deactivated else [],
                t("lib.scouts.deactivate_body"),
                lambda: catalog.save_scout(result),
            )

        self.app.push_screen(
            ScoutFormScreen(
                scout, self.data.topics, self.data.languages, {s.id for s in self.data.scouts}
            ),
            done,
        )

    @on(Button.Pressed, "#scouts-toggle")
    def _toggle(self) -> None:
        scout = self.scout()
        if scout is None:
            return
        catalog = services_of(self).catalog
        changed = replace(scout, active=not scout.active)
        self._warn_then(
            lambda: catalog.affected_by_deactivation(scout.id) if scout.active else [],
            t("lib.scouts.deactivate_body"),
            lambda: catalog.save_scout(changed),
        )

    # weekly times
    def _weekly(self) -> WeeklyTime | None:
        key = self._row_key("#weekly-table")
        if self.data is None or key is None:
            return None
        return next((w for w in self.data.weekly if w.id == key), None)

    @on(Button.Pressed, "#weekly-add")
    def _weekly_add(self) -> None:
        self._weekly_form(None)

    @on(Button.Pressed, "#weekly-edit")
    def _weekly_edit(self) -> None:
        if (w := self._weekly()) is not None:
            self._weekly_form(w)

    def _weekly_form(self, old: WeeklyTime | None) -> None:
        scout = self.scout()
        if scout is None:
            return
        catalog = services_of(self).catalog

        def done(new: WeeklyTime | None) -> None:
            if new is not None:
                self._warn_then(
                    lambda: catalog.affected_by_weekly(old, new),
                    t("lib.weekly.affected_body"),
                    lambda: catalog.save_weekly_time(new),
                )

        self.app.push_screen(WeeklyFormScreen(scout, old, catalog.new_id()), done)

    @on(Button.Pressed, "#weekly-remove")
    def _weekly_remove(self) -> None:
        old = self._weekly()
        if old is None:
            return
        catalog = services_of(self).catalog
        self._warn_then(
            lambda: catalog.affected_by_weekly(old, None),
            t("lib.weekly.affected_body"),
            lambda: catalog.remove_weekly_time(old.id),
            otherwise=YesNoScreen(
                t("lib.weekly.remove_title"),
                t("lib.weekly.remove_body"),
                [f"{t(WEEKDAY_KEYS[old.weekday])} {old.start}–{old.end} {old.place}"],
            ),
        )

    # exceptions
    @on(Button.Pressed, "#exception-absent")
    def _absent(self) -> None:
        self._exception_form(ExceptionKind.ABSENT)

    @on(Button.Pressed, "#exception-extra")
    def _extra(self) -> None:
        self._exception_form(ExceptionKind.EXTRA)

    def _exception_form(self, kind: ExceptionKind) -> None:
        scout = self.scout()
        if scout is None:
            return
        services = services_of(self)
        catalog = services.catalog

        def done(new: DatedException | None) -> None:
            if new is not None:
                self._warn_then(
                    lambda: catalog.affected_by_exception(new),
                    t("lib.exception.affected_body"),
                    lambda: catalog.save_exception(new),
                )

        today = services.booking.now().date().isoformat()
        self.app.push_screen(ExceptionFormScreen(scout, kind, catalog.new_id(), today), done)

    @on(Button.Pressed, "#exception-remove")
    def _exception_remove(self) -> None:
        key = self._row_key("#exceptions-table")
        if key is not None:
            self._apply(lambda: services_of(self).catalog.remove_exception(key))
