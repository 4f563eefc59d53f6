"""Results for a period: tables with bar charts, and export to CSV (with BOM) or JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Static

from kiosk.reports import Results, Row, compute_results, export_bookings, export_results
from screens.common import cell, safe_text, services_of, store_work
from screens.librarian.common import t

BAR_WIDTH = 12  # cells; the bar column is exactly this wide so a bar never gets cut


def bar(count: int, top: int, width: int = BAR_WIDTH) -> Text:
    """A horizontal bar in eighths of a cell; the number beside it carries the meaning."""
    if top <= 0 or count <= 0:
        return Text("")
    eighths = round(count / top * width * 8)
    full, part = divmod(max(eighths, 1), 8)
    return Text("█" * full + (" ▏▎▍▌▋▊▉"[part] if part else ""), style="cyan")


def chart(title: str, rows: list[Row], total: int | None = None) -> Table:
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


class ResultsPane(Vertical):
    @dataclass
    class Loaded(Message):
        results: Results

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.results: Results | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="lib-toolbar", id="results-period"):
            yield Input(id="results-from", max_length=10, placeholder=t("lib.results.from"))
            yield Input(id="results-to", max_length=10, placeholder=t("lib.results.to"))
            yield Button(t("lib.results.show"), id="results-show", variant="primary")
            yield Button(t("lib.results.this_month"), id="results-month", classes="lib-small")
            yield Button(t("lib.results.last_month"), id="results-last-month", classes="lib-small")
        with Horizontal(classes="lib-toolbar", id="results-export"):
            yield Button(t("lib.results.csv"), id="results-csv", variant="success")
            yield Button(t("lib.results.json"), id="results-json")
            yield Button(t("lib.results.bookings_csv"), id="results-bookings")
            yield Static("", id="results-message")
        with VerticalScroll(id="results-body"):
            yield Static("", id="results-totals", classes="lib-heading")
            yield Static("", id="results-visits")
            with Grid(id="results-grid"):
                for section in Results.SECTIONS:
                    yield Static("", id=f"chart-{section}", classes="lib-chart")

    def on_mount(self) -> None:
        today = services_of(self).booking.now().date()
        self._set_period(*month_bounds(today))
        self.reload()

    def _set_period(self, first: date, last: date) -> None:
        self.query_one("#results-from", Input).value = first.isoformat()
        self.query_one("#results-to", Input).value = last.isoformat()

    def period(self) -> tuple[date, date] | None:
        try:
            first = date.fromisoformat(self.query_one("#results-from", Input).value.strip())
            last = date.fromisoformat(self.query_one("#results-to", Input).value.strip())
        except ValueError:
            self._say(t("lib.err.bad_date"), error=True)
            return None
        if last < first:
            self._say(t("lib.err.bad_period"), error=True)
            return None
        return first, last

    def _say(self, text: str, error: bool = False) -> None:
        msg = self.query_one("#results-message", Static)
        msg.update(cell(text))
        msg.set_class(error, "lib-error")
        msg.set_class(not error, "lib-ok")

    def reload(self) -> None:
        if (period := self.period()) is not None:
            self._load(*period)

    @on(Button.Pressed, "#results-show")
    @on(Input.Submitted)
    def _show(self) -> None:
        self._say("")
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

    @store_work(group="results-load")
    def _load(self, first: date, last: date) -> None:
        services = services_of(self)
        self.post_message(
            self.Loaded(compute_results(services.booking, services.activity, first, last))
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        res = self.results = message.results
        rate = "—" if res.no_show_rate is None else f"{res.no_show_rate:.1f} %"
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
        self.query_one("#results-visits", Static).update(
            cell(
                t(
                    "lib.results.visits",
                    first=res.first_visits,
                    repeat=res.repeat_visits,
                    follow_ups=res.follow_up_bookings,
                )
            )
        )
        for section in Results.SECTIONS:
            total = res.consultations if section == "by_topic" else None
            self.query_one(f"#chart-{section}", Static).update(
                chart(t(f"lib.results.{section}"), res.section(section), total)
            )

    # -- export -----------------------------------------------------------------------

    @on(Button.Pressed, "#results-csv")
    def _csv(self) -> None:
        self._export("results", "csv")

    @on(Button.Pressed, "#results-json")
    def _json(self) -> None:
        self._export("results", "json")

    @on(Button.Pressed, "#results-bookings")
    def _bookings(self) -> None:
        self._export("bookings", "csv")

    def _export(self, what: str, fmt: str) -> None:
        if (period := self.period()) is not None:
            self._write(what, fmt, *period)

    @store_work(group="results-export")
    def _write(self, what: str, fmt: str, first: date, last: date) -> None:
        services = services_of(self)
        if what == "results":
            payload = export_results(services.booking, services.activity, first, last, fmt)
        else:
            payload = export_bookings(services.booking, first, last, fmt)
        stem = t("lib.results.file_results" if what == "results" else "lib.results.file_bookings")
        name = f"{stem}-{first.isoformat()}-{last.isoformat()}.{fmt}"
        path = services.maintenance.save_export(name, payload)  # private: names and phones
        self.post_message(self.Exported(str(path)))

    @dataclass
    class Exported(Message):
        path: str

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        self.last_export = message.path
        self._say(t("lib.results.written", path=message.path))
