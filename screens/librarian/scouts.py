"""E-scouts: who they are, their topics and languages, weekly times, absences and extras,
their sign-in cards and PINs for the kiosk, this month's shifts on record (held, late,
missed), and their certificates of volunteer hours for any period."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from kiosk.domain.catalog import Clash
from kiosk.domain.errors import KioskError
from kiosk.domain.models import (
    Booking,
    DatedException,
    ExceptionKind,
    Scout,
    ScoutCredentials,
    Topic,
    WeeklyTime,
)
from kiosk.domain.shift_record import ShiftMonth
from kiosk.i18n import Translator
from kiosk.paper.printing import printer_configured
from kiosk.paper.scout_card import build_card_content, card_pdf, card_svg, print_card_configured
from screens.common import cell, services_of, store_work
from screens.dialogs import YesNoScreen
from screens.librarian.calls import call_line
from screens.librarian.common import (
    ConsolePane,
    MessageLine,
    cursor_key,
    refusal,
)
from screens.librarian.covers import CoversScreen
from screens.librarian.scout_certificate import CertificateFormScreen, CertificateRequest
from screens.librarian.scout_forms import (
    WEEKDAY_KEYS,
    ExceptionFormScreen,
    ScoutFormScreen,
    ScoutPinScreen,
    WeeklyFormScreen,
)
from screens.widgets import Words

# -- the pane ---------------------------------------------------------------------------


@dataclass
class ScoutsData:
    scouts: list[Scout]
    topics: list[Topic]
    weekly: list[WeeklyTime]
    exceptions: list[DatedException]
    languages: list[str]
    credentials: dict[str, ScoutCredentials] = field(default_factory=dict)
    month: date | None = None  # the first day of the month of ``shifts``
    shifts: dict[str, ShiftMonth] = field(default_factory=dict)  # e-scout id -> this month


def month_of(today: date) -> tuple[date, date]:
    """The first and last day of ``today``'s month."""
    first = today.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def shifts_text(t: Translator, month: date, shifts: ShiftMonth | None) -> str:
    """An e-scout's month of shifts: the counts, then the late days (with minutes) and the
    missed days."""
    label = f"{month:%Y-%m}"
    if shifts is None or not shifts.records:
        return t("lib.scouts.shifts.none", month=label)
    lines = [
        t(
            "lib.scouts.shifts.month",
            month=label,
            shifts=shifts.shifts,
            on_time=shifts.on_time,
            late=len(shifts.late),
            minutes=shifts.late_minutes,
            missed=len(shifts.missed),
        )
    ]
    if shifts.late:
        days = ", ".join(f"{r.start:%m-%d} (+{r.late_minutes} min)" for r in shifts.late)
        lines.append(t("lib.scouts.shifts.late", days=days))
    if shifts.missed:
        days = ", ".join(f"{r.start:%m-%d %H:%M}" for r in shifts.missed)
        lines.append(t("lib.scouts.shifts.missed", days=days))
    return "\n".join(lines)


class ScoutsPane(Vertical, ConsolePane):
    BINDINGS = [
        Binding("plus", "new_scout", "lib.scouts.new", id="scouts-new"),
        Binding("e", "edit_scout", "lib.scouts.edit", id="scouts-edit"),
        Binding("v", "covers", "lib.scouts.covers", id="scouts-covers"),
    ]

    @dataclass
    class Loaded(Message):
        data: ScoutsData

    @dataclass
    class ImpactFound(Message):
        """The bookings a change would leave without an e-scout (maybe none)."""

        affected: list[Booking]
        body: str
        apply: Callable[[], object]
        otherwise: YesNoScreen | None  # the question to ask when none are affected
        clashes: list[Clash] = field(default_factory=list)  # others at the same place, time

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: ScoutsData | None = None
        self.current: str | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        with Horizontal(id="scouts-main"):
            with Vertical(id="scouts-left"):
                yield DataTable(id="scouts-table", cursor_type="row", zebra_stripes=True)
                with Horizontal(id="scouts-buttons", classes="lib-buttons"):
                    yield Button(t("lib.scouts.new"), id="scouts-new", variant="primary")
                    yield Button(t("lib.scouts.edit"), id="scouts-edit")
                    yield Button(t("lib.scouts.toggle"), id="scouts-toggle", variant="warning")
                # The e-scout's sign-in card and PIN for their own screens at the kiosk.
                with Horizontal(id="scouts-card-buttons", classes="lib-buttons"):
                    yield Button(t("lib.scouts.card.issue"), id="scouts-card", variant="primary")
                    yield Button(t("lib.scouts.card.pin"), id="scouts-pin")
                    yield Button(
                        t("lib.scouts.card.revoke"), id="scouts-card-revoke", variant="error"
                    )
                    yield Button(t("lib.scouts.cert.make"), id="scouts-cert")
            with Vertical(id="scouts-right"):
                yield Words("", id="scouts-heading", classes="lib-heading")
                yield Words("", id="scouts-access")
                yield Words("", id="scouts-shifts")
                yield DataTable(id="weekly-table", cursor_type="row")
                with Horizontal(id="weekly-buttons", classes="lib-buttons"):
                    yield Button(t("lib.weekly.add"), id="weekly-add", variant="primary")
                    yield Button(t("lib.weekly.edit"), id="weekly-edit")
                    yield Button(t("lib.weekly.remove"), id="weekly-remove", variant="error")
                yield DataTable(id="exceptions-table", cursor_type="row")
                with Horizontal(id="exception-buttons", classes="lib-buttons"):
                    yield Button(
                        t("lib.exception.add_absent"), id="exception-absent", variant="warning"
                    )
                    yield Button(
                        t("lib.exception.add_extra"), id="exception-extra", variant="primary"
                    )
                    yield Button(t("lib.exception.remove"), id="exception-remove", variant="error")
        yield MessageLine(id="scouts-message", marks_success=False)

    def on_mount(self) -> None:
        t = self.t
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
        services = services_of(self)
        c = services.catalog
        first, last = month_of(services.booking.now().date())
        self.post_message(
            self.Loaded(
                ScoutsData(
                    c.scouts(),
                    c.topics(),
                    c.weekly_times(),
                    c.exceptions(),
                    c.settings().languages,
                    services.scout_access.credentials(),
                    first,
                    services.scout_day.months(first, last),
                )
            )
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.data = message.data
        t = self.t
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
        t = self.t
        scout = self.scout()
        weekly = self.query_one("#weekly-table", DataTable)
        exceptions = self.query_one("#exceptions-table", DataTable)
        weekly.clear()
        exceptions.clear()
        access = self.query_one("#scouts-access", Static)
        if scout is None or self.data is None:
            self.query_one("#scouts-heading", Static).update(t("lib.scouts.none"))
            access.update("")
            self.query_one("#scouts-shifts", Static).update("")
            return
        creds = self.data.credentials.get(scout.id) or ScoutCredentials(scout.id)
        access.update(
            t(
                "lib.scouts.card.marks",
                card=t("lib.yes") if creds.card_hash else t("lib.no"),
                pin=t("lib.yes") if creds.pin_hash else t("lib.no"),
            )
        )
        if self.data.month is not None:
            month = shifts_text(t, self.data.month, self.data.shifts.get(scout.id))
            self.query_one("#scouts-shifts", Static).update(cell(month))
        topics = {tp.slug: tp.name(t.lang) for tp in self.data.topics}
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

    def _row_key(self, table_id: str) -> str | None:
        return cursor_key(self.query_one(table_id, DataTable))

    def _warn_then(
        self,
        affected: Callable[[], list[Booking]],
        body: str,
        apply: Callable[[], object],
        otherwise: YesNoScreen | None = None,
        clashes: Callable[[], list[Clash]] | None = None,
    ) -> None:
        """Apply a change, after listing the bookings it leaves without an e-scout (with the
        visitors' phones, to call them) and other e-scouts it puts at the same place and time.

        Both the look-ups and the change are store calls: each runs in a worker.
        """
        self._check(affected, body, apply, otherwise, clashes)

    @store_work(group="scouts-write")
    def _check(
        self,
        affected: Callable[[], list[Booking]],
        body: str,
        apply: Callable[[], object],
        otherwise: YesNoScreen | None,
        clashes: Callable[[], list[Clash]] | None,
    ) -> None:
        found = clashes() if clashes is not None else []
        self.post_message(self.ImpactFound(affected(), body, apply, otherwise, found))

    @on(ImpactFound)
    def _impact_found(self, message: ImpactFound) -> None:
        t = self.t
        if message.clashes:
            self._ask_about_clashes(message)
            return
        if not message.affected and message.otherwise is None:
            self.write(message.apply)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.write(message.apply)
            elif message.affected:
                self.say(t("lib.scouts.unchanged"))

        if not message.affected and message.otherwise is not None:
            self.app.push_screen(message.otherwise, answered)
            return
        self.app.push_screen(
            YesNoScreen(
                t.n("lib.scouts.affected", len(message.affected)),
                message.body,
                [call_line(t, b) for b in message.affected],
                yes=t("lib.scouts.save_anyway"),
            ),
            answered,
        )

    def _ask_about_clashes(self, message: ImpactFound) -> None:
        """Another e-scout is at the same place then: say so (and who to call, if any)."""
        t = self.t

        def answered(yes: bool | None) -> None:
            if yes:
                self.write(message.apply)
            else:
                self.say(t("lib.scouts.unchanged"))

        body = t("lib.clash.body")
        if message.affected:
            body += " " + message.body
        lines = [self._clash_line(c) for c in message.clashes]
        lines += [call_line(t, b) for b in message.affected]
        self.app.push_screen(
            YesNoScreen(t("lib.clash.title"), body, lines, yes=t("lib.scouts.save_anyway")),
            answered,
        )

    def _clash_line(self, clash: Clash) -> str:
        t = self.t
        when = clash.date or t(WEEKDAY_KEYS[clash.weekday])
        return t(
            "lib.clash.line",
            name=clash.scout_name,
            when=when,
            start=clash.start,
            end=clash.end,
            place=clash.place,
        )

    # scouts
    @on(Button.Pressed, "#scouts-new")
    def action_new_scout(self) -> None:
        self._edit(None)

    def action_covers(self) -> None:
        """The covers e-scouts asked for at the kiosk, to confirm (screens/librarian/covers.py)."""
        self.app.push_screen(CoversScreen())

    @on(Button.Pressed, "#scouts-edit")
    def action_edit_scout(self) -> None:
        if (s := self.scout()) is not None:
            self._edit(s)

    def _edit(self, scout: Scout | None) -> None:
        if self.data is None:
            return

        def done(result: Scout | None) -> None:
            if result is not None:
                self.current = result.id
                self._save_scout(result, was_active=scout is not None and scout.active)

        self.app.push_screen(
            ScoutFormScreen(
                scout,
                self.data.topics,
                self.data.languages,
                {s.id for s in self.data.scouts},
                services_of(self).booking.now().date().isoformat(),
            ),
            done,
        )

    @on(Button.Pressed, "#scouts-toggle")
    def _toggle(self) -> None:
        scout = self.scout()
        if scout is not None:
            self._save_scout(replace(scout, active=not scout.active), was_active=scout.active)

    def _save_scout(self, scout: Scout, was_active: bool) -> None:
        """Save ``scout``; a deactivation first lists the bookings it leaves without them."""
        catalog = services_of(self).catalog
        deactivated = was_active and not scout.active
        self._warn_then(
            lambda: catalog.affected_by_deactivation(scout.id) if deactivated else [],
            self.t("lib.scouts.deactivate_body"),
            lambda: catalog.save_scout(scout),
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
                    self.t("lib.weekly.affected_body"),
                    lambda: catalog.save_weekly_time(new),
                    clashes=lambda: catalog.place_clashes(new),
                )

        self.app.push_screen(
            WeeklyFormScreen(scout, old, catalog.new_id(), self.data.topics if self.data else []),
            done,
        )

    @on(Button.Pressed, "#weekly-remove")
    def _weekly_remove(self) -> None:
        old = self._weekly()
        if old is None:
            return
        t = self.t
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
                    self.t("lib.exception.affected_body"),
                    lambda: catalog.save_exception(new),
                    clashes=lambda: catalog.place_clashes(new),
                )

        today = services.booking.now().date().isoformat()
        self.app.push_screen(
            ExceptionFormScreen(
                scout, kind, catalog.new_id(), today, self.data.topics if self.data else []
            ),
            done,
        )

    @on(Button.Pressed, "#exception-remove")
    def _exception_remove(self) -> None:
        key = self._row_key("#exceptions-table")
        if key is not None:
            self.write(lambda: services_of(self).catalog.remove_exception(key))

    # the e-scout's card and PIN
    @on(Button.Pressed, "#scouts-card")
    def _card(self) -> None:
        scout = self.scout()
        if scout is None or self.data is None:
            return
        creds = self.data.credentials.get(scout.id)
        t = self.t
        if creds is None or creds.card_hash is None:
            self._issue_card(t, scout.id)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._issue_card(t, scout.id)

        self.app.push_screen(
            YesNoScreen(
                t("lib.scouts.card.reissue_title"),
                t("lib.scouts.card.reissue_body", name=scout.name),
                yes=t("lib.scouts.card.issue"),
            ),
            answered,
        )

    @store_work(group="scouts-write")
    def _issue_card(self, t: Translator, scout_id: str) -> None:
        """A new card, printed on the receipt printer if there is one, else saved as an SVG
        and a PDF in the exports folder; the token itself is never kept."""
        services = services_of(self)
        settings = services.catalog.settings()
        saved: list[Path] = []

        def deliver(scout: Scout, token: str) -> None:
            card = build_card_content(t, settings.library_name, scout.name, token)
            if printer_configured(settings):
                print_card_configured(card, settings)
                return
            stamp = services.booking.now().strftime("%Y%m%d-%H%M%S")
            name = f"card-{scout.id}-{stamp}"
            exports = services.maintenance
            saved.append(exports.save_export(f"{name}.svg", card_svg(card).encode("utf-8")))
            saved.append(exports.save_export(f"{name}.pdf", card_pdf(card)))

        try:
            services.scout_access.issue_card(scout_id, deliver=deliver)
        except KioskError as exc:
            for path in saved:  # a card that was never saved must not lie about
                path.unlink(missing_ok=True)
            self.post_message(ConsolePane.Written(refusal(t, exc), refused=exc))
            return
        if saved:
            text = t("lib.scouts.card.saved", path=", ".join(str(p) for p in saved))
        else:
            text = t("lib.scouts.card.printed")
        self.post_message(ConsolePane.Written(text))

    @on(Button.Pressed, "#scouts-card-revoke")
    def _revoke(self) -> None:
        scout = self.scout()
        if scout is None or self.data is None:
            return
        creds = self.data.credentials.get(scout.id)
        t = self.t
        if creds is None or creds.card_hash is None:
            self.say(t("lib.scouts.card.none"))
            return
        access = services_of(self).scout_access

        def answered(yes: bool | None) -> None:
            if yes:
                self.write(lambda: access.revoke_card(scout.id), t("lib.scouts.card.revoked"))

        self.app.push_screen(
            YesNoScreen(
                t("lib.scouts.card.revoke_title"),
                t("lib.scouts.card.revoke_body", name=scout.name),
                yes=t("lib.scouts.card.revoke"),
            ),
            answered,
        )

    @on(Button.Pressed, "#scouts-pin")
    def _pin(self) -> None:
        scout = self.scout()
        if scout is None:
            return
        access = services_of(self).scout_access
        t = self.t

        def typed(pin: str | None) -> None:
            if pin is not None:
                self.write(lambda: access.set_pin(scout.id, pin), t("lib.scouts.card.pin_set"))

        self.app.push_screen(ScoutPinScreen(scout), typed)

    # the e-scout's certificate of volunteer hours
    @on(Button.Pressed, "#scouts-cert")
    def _certificate(self) -> None:
        scout = self.scout()
        if scout is None:
            return
        t = self.t

        def chosen(request: CertificateRequest | None) -> None:
            if request is not None:
                self.say(t("lib.scouts.cert.making"))
                self._issue_certificate(t, request)

        today = services_of(self).booking.now().date()
        self.app.push_screen(CertificateFormScreen(scout, today, t.lang), chosen)

    @store_work(group="scouts-cert")
    def _issue_certificate(self, t: Translator, request: CertificateRequest) -> None:
        """The certificate as an A4 PDF among the exports, and on the receipt printer when
        Settings name one (the kiosk's "Print certificate" sends e-scouts here)."""
        from kiosk.paper.certificate import issue_certificate  # fpdf2: only when asked

        services = services_of(self)
        try:
            issued = issue_certificate(
                services, request.scout, request.first, request.last, request.lang
            )
        except KioskError as exc:
            self.post_message(ConsolePane.Written(refusal(t, exc), refused=exc))
            return
        except OSError as exc:  # a full disk, a folder taken away: said, never a crash
            reason = exc.strerror or str(exc)
            text = t("lib.scouts.cert.not_saved", reason=reason)
            self.post_message(ConsolePane.Written(text, refused=KioskError("not_saved", reason)))
            return
        path = str(issued.path)
        if issued.print_error is not None:
            reason = refusal(t, issued.print_error)
            text = t("lib.scouts.cert.not_printed", path=path, reason=reason)
            self.post_message(ConsolePane.Written(text, refused=issued.print_error))
            return
        key = "lib.scouts.cert.printed" if issued.printed else "lib.scouts.cert.saved"
        self.post_message(ConsolePane.Written(t(key, path=path)))
