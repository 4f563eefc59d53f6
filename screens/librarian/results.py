"""Results for a period: a summary of bar charts, month tables with their trend, hours per
e-scout; exports of each (CSV as a Lithuanian spreadsheet reads it, JSON, XLSX), the
anonymous activity forms and the bookings list.

The month and e-scout tables scroll (arrow keys or the mouse, the hint says so) rather
than cut: at 80x24 a year of months does not fit across."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, ContentSwitcher, DataTable, Input, Static

from kiosk.i18n import Translator
from kiosk.results.reports import Results, Row, compute_results, export_bookings, export_results
from kiosk.results.tables import (
    MonthTables,
    ScoutHours,
    export_months,
    export_rows,
    export_scouts,
    month_tables,
    scout_hours,
)
from screens.common import cell, safe_text, services_of, store_work
from screens.librarian.common import ConsolePane, MessageLine
from screens.widgets.words import Words

VIEWS = ("summary", "months", "scouts")
# export button id -> (what, file type); "view" follows the view on show
EXPORTS = {
    "results-csv": ("view", "csv"),
    "results-json": ("view", "json"),
    "results-xlsx": ("view", "xlsx"),
    "results-rows-csv": ("rows", "csv"),
    "results-rows-xlsx": ("rows", "xlsx"),
    "results-bookings": ("bookings", "xlsx"),  # typed cells: phones as text, no mark
    "results-bookings-csv": ("bookings", "csv"),
}
STEMS = {
    "summary": "lib.results.file_results",
    "months": "lib.results.file_months",
    "scouts": "lib.results.file_scouts",
    "rows": "lib.results.file_forms",
    "bookings": "lib.results.file_bookings",
}

BAR_WIDTH = 12  # cells; the bar column is exactly this wide so a bar never gets cut


def bar(count: int, top: int, width: int = BAR_WIDTH) -> Text:
    """A horizontal bar in eighths of a cell; the number beside it carries the meaning."""
    if top <= 0 or count <= 0:
        return Text("")
    eighths = round(count / top * width * 8)
    full, part = divmod(max(eighths, 1), 8)
    return Text("█" * full + (" ▏▎▍▌▋▊▉"[part] if part else ""), style="cyan")


def chart(t: Translator, title: str, rows: list[Row], total: int | None = None) -> Table:
    """A section as a table: label, count, share, bar."""
    table = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        expand=True,
        show_edge=False,
        box=None,
        padding=(0, 1),
    )
    table.add_column(t("lib.results.what"), ratio=3, no_wrap=True, overflow="ellipsis")
    table.add_column(t("lib.results.count"), justify="right", width=5)
    table.add_column("%", justify="right", width=5)
    table.add_column("", width=BAR_WIDTH, no_wrap=True)
    whole = total if total is not None else sum(r.count for r in rows)
    top = max((r.count for r in rows), default=0)
    if not rows:
        table.add_row(Text(t("lib.results.nothing"), style="dim"), "", "", "")
    for r in rows:
        share = f"{100 * r.count / whole:.0f}" if whole else ""
        table.add_row(Text(safe_text(r.label)), str(r.count), share, bar(r.count, top))
    return table


def month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return first, nxt - timedelta(days=1)


class ResultsPane(Vertical, ConsolePane):
    @dataclass
    class Loaded(Message):
        results: Results
        months: MonthTables
        scouts: list[ScoutHours]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.results: Results | None = None
        self.view = "summary"

    def compose(self) -> ComposeResult:
        t = self.t
        with Horizontal(classes="lib-toolbar", id="results-period"):
            yield Input(id="results-from", max_length=10, placeholder=t("lib.results.from"))
            yield Input(id="results-to", max_length=10, placeholder=t("lib.results.to"))
            yield Button(t("lib.results.show"), id="results-show", variant="primary")
            yield Button(t("lib.results.this_month"), id="results-month", classes="lib-small")
            yield Button(t("lib.results.last_month"), id="results-last-month", classes="lib-small")
        with Horizontal(classes="lib-compact", id="results-views"):
            for view in VIEWS:
                yield Button(t(f"lib.results.view_{view}"), id=f"results-view-{view}")
        with Horizontal(classes="lib-compact", id="results-export"):
            yield Words(t("lib.results.export"), classes="lib-compact-label")
            yield Button(t("lib.results.csv"), id="results-csv")
            yield Button(t("lib.results.json"), id="results-json")
            yield Button(t("lib.results.xlsx"), id="results-xlsx")
            yield Button(t("lib.results.rows_csv"), id="results-rows-csv")
            yield Button(t("lib.results.rows_xlsx"), id="results-rows-xlsx")
            yield Button(t("lib.results.bookings_xlsx"), id="results-bookings")
            yield Button(t("lib.results.bookings_csv"), id="results-bookings-csv")
        yield MessageLine(id="results-message")
        with ContentSwitcher(initial="results-body", id="results-switcher"):
            with VerticalScroll(id="results-body"):
                yield Words("", id="results-totals", classes="lib-heading")
                yield Words("", id="results-visitors")
                yield Words("", id="results-visits")
                with Grid(id="results-grid"):
                    for section in Results.SECTIONS:
                        yield Words("", id=f"chart-{section}", classes="lib-chart")
            with Vertical(id="results-months"):
                yield Words(t("lib.results.scroll_hint"), classes="lib-hint")
                yield DataTable(id="results-months-table", cursor_type="row", zebra_stripes=True)
            with Vertical(id="results-scouts"):
                yield Words(t("lib.results.scroll_hint"), classes="lib-hint")
                yield DataTable(id="results-scouts-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        today = services_of(self).booking.now().date()
        self._set_period(*month_bounds(today))
        self._show_view("summary")
        self.reload()

    def _set_period(self, first: date, last: date) -> None:
        self.query_one("#results-from", Input).value = first.isoformat()
        self.query_one("#results-to", Input).value = last.isoformat()

    def period(self) -> tuple[date, date] | None:
        try:
            first = date.fromisoformat(self.query_one("#results-from", Input).value.strip())
            last = date.fromisoformat(self.query_one("#results-to", Input).value.strip())
        except ValueError:
            self.say(self.t("lib.err.bad_date"), error=True)
            return None
        if last < first:
            self.say(self.t("lib.err.bad_period"), error=True)
            return None
        return first, last

    def reload(self) -> None:
        if (period := self.period()) is not None:
            self._load(*period, self.t.lang)

    @on(Button.Pressed, "#results-show")
    @on(Input.Submitted)
    def _show(self) -> None:
        self.say("")
        self.reload()

    @on(Button.Pressed, "#results-month")
    def _month(self) -> None:
        self._set_period(*month_bounds(services_of(self).booking.now().date()))
        self.reload()

    @on(Button.Pressed, "#results-last-month")
    def _last_month(self) -> None:
        first, _ = month_bounds(services_of(self).booking.now().date())
        self._set_period(*month_bounds(first - timedelta(days=1)))
        self.reload()

    @on(Button.Pressed, "#results-views Button")
    def _view_pressed(self, event: Button.Pressed) -> None:
        self._show_view((event.button.id or "").removeprefix("results-view-"))

    def _show_view(self, view: str) -> None:
        """Show one view; its button is marked in words (✓), not by colour alone."""
        self.view = view
        for name in VIEWS:
            button = self.query_one(f"#results-view-{name}", Button)
            mark = "✓ " if name == view else "  "  # the same width either way
            button.label = mark + self.t(f"lib.results.view_{name}")
            button.set_class(name == view, "-chosen")
        switcher = self.query_one(ContentSwitcher)
        switcher.current = {"summary": "results-body"}.get(view, f"results-{view}")

    @store_work(group="results-load")
    def _load(self, first: date, last: date, lang: str) -> None:
        services = services_of(self)
        span = (services.booking, services.activity, first, last)
        self.post_message(
            self.Loaded(
                compute_results(*span, lang),
                month_tables(*span, lang),
                scout_hours(*span),
            )
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        res = self.results = message.results
        t = self.t
        rate = "—" if res.no_show_rate is None else f"{res.no_show_rate:.1f} %"
        if t.lang == "lt":
            rate = rate.replace(".", ",")  # a Lithuanian decimal comma
        self.query_one("#results-totals", Static).update(
            cell(
                t(
                    "lib.results.totals",
                    first=res.first.isoformat(),
                    last=res.last.isoformat(),
                    consultations=res.consultations,
                    minutes=res.minutes,
                    bookings=res.bookings,
                    rate=rate,
                )
            )
        )
        self.query_one("#results-visitors", Static).update(
            cell(
                t(
                    "lib.results.visitors",
                    visitors=res.visitors,
                    consultations=res.consultations,
                    unknown=res.walk_ins,
                )
            )
        )
        self.query_one("#results-visits", Static).update(
            cell(
                t(
                    "lib.results.visits",
                    first=res.first_visits,
                    repeat=res.repeat_visits,
                    follow_ups=res.follow_up_bookings,
                    unrecorded=res.unrecorded,
                )
            )
        )
        for section in Results.SECTIONS:
            total = res.consultations if section == "by_topic" else None
            self.query_one(f"#chart-{section}", Static).update(
                chart(t, t(f"lib.results.{section}"), res.section(section), total)
            )
        self._fill_months(message.months)
        self._fill_scouts(message.scouts)

    def _fill_months(self, months: MonthTables) -> None:
        """Every month table in one: a heading row per dimension, then its rows."""
        t = self.t
        table: DataTable[Text] = self.query_one("#results-months-table", DataTable)
        table.clear(columns=True)
        table.add_column(t("lib.report.month.month"), key="label", width=26)
        for month in months.months:
            table.add_column(month, key=month, width=7)
        table.add_column(t("lib.report.col.total"), key="total", width=7)
        blank = [Text("")] * (len(months.months) + 1)

        def heading(dim: str) -> None:
            title = f"{t('lib.results.months_by')} {t(f'lib.results.dim_{dim}')}"
            table.add_row(Text(title, style="bold"), *blank, key=f"dim-{dim}")

        def number(value: int | float | None) -> Text:
            return Text("" if value is None else str(value), justify="right")

        heading("total")
        for r in months.totals:
            table.add_row(cell(r.label), *map(number, r.counts), number(r.total), key=r.key)
        change = [number(c) for c in months.change]
        table.add_row(cell(t("lib.report.total.change")), *change, Text(""), key="change")
        for dim, rows in months.tables.items():
            heading(dim)
            for r in rows:
                cells = [number(c) for c in r.counts]
                table.add_row(cell(r.label), *cells, number(r.total), key=f"{dim}-{r.key}")

    def _fill_scouts(self, scouts: list[ScoutHours]) -> None:
        t = self.t
        table: DataTable[Text] = self.query_one("#results-scouts-table", DataTable)
        table.clear(columns=True)
        table.add_column(t("lib.report.scout.scout"), key="scout", width=24)
        for key in ("consultations", "minutes", "hours"):
            table.add_column(t(f"lib.report.total.{key}"), key=key, width=13)
        table.add_column(t("lib.report.scout.share"), key="share", width=9)
        whole = sum(r.minutes for r in scouts)
        for r in scouts:
            share = f"{100 * r.minutes / whole:.0f}" if whole else ""
            table.add_row(
                cell(r.label),
                *(Text(str(v), justify="right") for v in (r.consultations, r.minutes, r.hours)),
                Text(share, justify="right"),
                key=r.key,
            )

    # -- export -----------------------------------------------------------------------

    @on(Button.Pressed, "#results-export Button")
    def _export_pressed(self, event: Button.Pressed) -> None:
        what, fmt = EXPORTS[event.button.id or ""]
        if what == "view":
            what = self.view
        if (period := self.period()) is not None:
            self._write(what, fmt, *period, self.t.lang)

    @store_work(group="results-export")
    def _write(self, what: str, fmt: str, first: date, last: date, lang: str) -> None:
        services = services_of(self)
        span = (services.booking, services.activity, first, last)
        if what == "summary":
            payload = export_results(*span, fmt, lang)
        elif what == "months":
            payload = export_months(*span, fmt, lang)
        elif what == "scouts":
            payload = export_scouts(*span, fmt, lang)
        elif what == "rows":
            from kiosk.programme.file import pseudonym, results_salt  # pyarrow: only when asked

            salt = results_salt(services)
            payload = export_rows(*span, lambda s: pseudonym(salt, s), fmt, lang)
        else:
            payload = export_bookings(services.booking, first, last, fmt, lang)
        stem = words_in(lang, STEMS[what])
        name = f"{stem}-{first.isoformat()}-{last.isoformat()}.{fmt}"
        path = services.maintenance.save_export(name, payload)  # private: names and phones
        self.post_message(self.Exported(str(path)))

    @dataclass
    class Exported(Message):
        path: str

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self.last_export = message.path
        self.say(self.t("lib.results.written", path=message.path))


def words_in(lang: str, key: str) -> str:
    """A catalogue word in ``lang`` (a worker thread knows no App to ask)."""
    return Translator(lang)(key)
