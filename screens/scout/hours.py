"""My hours: the e-scout's totals for this month, last month or this year (consultations,
hours, topics, and their shifts held, late and missed), and the certificate.

The certificate of volunteer hours prints on the kiosk's receipt printer when one is set;
without one the screen says the librarian can print it at the console.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from textual import on
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Static

from kiosk.domain.clock import as_local
from kiosk.domain.models import Scout, Topic
from kiosk.domain.scout_day import VolunteerHours
from kiosk.domain.shift_record import ShiftMonth
from kiosk.i18n import Translator
from kiosk.paper.certificate import duration_text, print_certificate
from kiosk.paper.printing import printer_configured
from screens.common import plain, services_of, store_work
from screens.scout.common import ScoutScreen
from screens.widgets.words import Words

log = logging.getLogger("kiosk.screens")

PERIODS = ("this_month", "last_month", "this_year")


def period(name: str, today: date) -> tuple[date, date]:
    """The first and last day of a named period around ``today``."""
    if name == "this_year":
        return today.replace(month=1, day=1), today.replace(month=12, day=31)
    first = today.replace(day=1)
    if name == "last_month":
        last = first - timedelta(days=1)
        return last.replace(day=1), last
    following = (first + timedelta(days=32)).replace(day=1)
    return first, following - timedelta(days=1)


def hours_text(
    t: Translator,
    hours: VolunteerHours,
    topics: dict[str, Topic],
    shifts: ShiftMonth | None = None,
) -> str:
    """The totals as short lines: period, consultations, hours, shifts on record, topics with
    their counts."""
    names = [
        f"{topics[slug].name(t.lang) if slug in topics else slug} ({count})"
        for slug, count in sorted(hours.by_topic.items(), key=lambda item: -item[1])
    ]
    lines = [
        t("s.hours.period", first=hours.first.isoformat(), last=hours.last.isoformat()),
        t("s.hours.consultations", count=hours.consultations),
        t("s.hours.hours", hours=duration_text(t, hours.minutes)),
        *(
            [
                t(
                    "s.hours.shifts",
                    held=shifts.held,
                    shifts=shifts.shifts,
                    late=len(shifts.late),
                    missed=len(shifts.missed),
                )
            ]
            if shifts is not None
            else []
        ),
        t("s.hours.topics", topics=", ".join(names)) if names else t("s.hours.no_topics"),
    ]
    return "\n".join(lines)


class HoursScreen(ScoutScreen):
    """Totals for one period at a time (big buttons), and "Print certificate"."""

    @dataclass
    class Loaded(Message):
        hours: VolunteerHours
        topics: dict[str, Topic]
        shifts: ShiftMonth

    @dataclass
    class Printed(Message):
        key: str  # what to say: printed, no printer, failed

    def __init__(self, scout: Scout) -> None:
        super().__init__(scout)
        self.period = PERIODS[0]

    def title_text(self) -> str:
        assert self.scout is not None
        return self.t("s.hours.title", name=self.scout.name)

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        with Horizontal(id="s-periods", classes="s-choices"):
            for name in PERIODS:
                yield Button(plain(t(f"s.hours.{name}")), id=f"s-period-{name}", classes="s-period")
        yield Words(id="s-hours-card", classes="v-card")
        yield Words(id="s-hours-status", classes="v-status")

    def bar_buttons(self) -> Iterable[Widget]:
        yield Button(plain(self.t("s.hours.print")), id="s-print", variant="primary")

    def on_mount(self) -> None:
        self.show_title()
        self._show_period()

    def _show_period(self) -> None:
        t = self.t
        for name in PERIODS:
            button = self.query_one(f"#s-period-{name}", Button)
            chosen = name == self.period
            button.label = plain(("\u2714 " if chosen else "") + t(f"s.hours.{name}"))
            button.variant = "primary" if chosen else "default"
        self._load(self.period)

    @on(Button.Pressed, ".s-period")
    def _choose(self, event: Button.Pressed) -> None:
        self.period = (event.button.id or "").removeprefix("s-period-")
        self.query_one("#s-hours-status", Static).update("")
        self._show_period()

    def _dates(self, name: str) -> tuple[date, date]:
        return period(name, as_local(services_of(self).clock.now()).date())

    @store_work(group="scout-hours")
    def _load(self, name: str) -> None:
        assert self.scout is not None
        services = services_of(self)
        first, last = self._dates(name)
        hours = services.scout_day.hours(self.scout.id, first, last)
        shifts = services.scout_day.month(self.scout.id, first, last)
        topics = {tp.slug: tp for tp in services.booking.topics(active_only=False)}
        self.post_message(self.Loaded(hours, topics, shifts))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.query_one("#s-hours-card", Static).update(
            plain(hours_text(self.t, message.hours, message.topics, message.shifts))
        )

    @on(Button.Pressed, "#s-print")
    def _print_pressed(self) -> None:
        self._print(self.period, self.t.lang)

    @store_work(group="scout-print")
    def _print(self, name: str, lang: str) -> None:
        assert self.scout is not None
        services = services_of(self)
        if not printer_configured(services.booking.settings()):
            self.post_message(self.Printed("no_printer"))
            return
        first, last = self._dates(name)
        try:
            print_certificate(services, self.scout.id, first, last, lang)
        except Exception as error:  # noqa: BLE001 - a jammed printer is said in words
            log.warning("certificate not printed: %r", error)
            self.post_message(self.Printed("print_failed"))
            return
        self.post_message(self.Printed("printed"))

    @on(Printed)
    def _printed(self, message: Printed) -> None:
        status = self.query_one("#s-hours-status", Static)
        status.update(plain(self.t(f"s.hours.{message.key}")))
        status.set_class(message.key != "printed", "v-warn")
        status.set_class(message.key == "printed", "v-ok")
