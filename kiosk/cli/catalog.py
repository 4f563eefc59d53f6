"""What can be booked: the help topics, a topic's free times, and the e-scouts' weekly times
and extra sessions (a group session with its own topic)."""

from __future__ import annotations

import argparse

from kiosk.cli.common import Subcommands, add_command, date_arg, emit, lang_arg
from kiosk.domain.models import SEATS_RANGE, DatedException, ExceptionKind, WeeklyTime
from kiosk.domain.validation import check_span
from kiosk.services import Services

MAX_DAYS = 366  # the longest --days worth asking for; the booking horizon trims it further


def cmd_topics(services: Services, args: argparse.Namespace) -> int:
    lang = args.lang
    emit(
        [
            {
                "slug": t.slug,
                "name": t.name(lang),
                "description": t.description(lang),
                "translated": lang in t.names,  # False: the name shown is the Lithuanian one
                "names": t.names,
                "order": t.order,
                "active": t.active,
            }
            for t in services.booking.topics(active_only=not args.all)
        ]
    )
    return 0


def cmd_slots(services: Services, args: argparse.Namespace) -> int:
    slots = services.booking.free_slots(
        args.topic, first_day=args.date, days=args.days, language=args.lang
    )
    names = {s.id: s.name for s in services.booking.scouts()}
    emit([{**s.to_dict(), "scout_name": names.get(s.scout, s.scout)} for s in slots])
    return 0


def cmd_weekly_time(services: Services, args: argparse.Namespace) -> int:
    """``kiosk weekly-time``: add an e-scout's weekly time (a group with --seats, --topic)."""
    scout = services.booking.scout(args.scout)
    start, end = check_span(args.start, args.end)
    weekly = WeeklyTime(
        services.catalog.new_id(),
        scout.id,
        args.weekday,
        start,
        end,
        args.place,
        seats=args.seats,
        topic=args.topic or "",
    )
    emit(services.catalog.save_weekly_time(weekly).to_dict())
    return 0


def cmd_extra_session(services: Services, args: argparse.Namespace) -> int:
    """``kiosk extra-session``: add a dated extra session (a group with --seats, --topic)."""
    scout = services.booking.scout(args.scout)
    start, end = check_span(args.start, args.end)
    extra = DatedException(
        services.catalog.new_id(),
        scout.id,
        args.date.isoformat(),
        str(ExceptionKind.EXTRA),
        start,
        end,
        args.place,
        args.note or "",
        seats=args.seats,
        topic=args.topic or "",
    )
    services.catalog.save_exception(extra)
    stored = next(e for e in services.catalog.exceptions(scout.id) if e.id == extra.id)
    emit(stored.to_dict())
    return 0


def _weekday(text: str) -> int:
    if text not in {str(n) for n in range(7)}:
        raise argparse.ArgumentTypeError(f"a weekday is 0 (Monday) to 6, not {text[:40]!r}")
    return int(text)


def _seats(text: str) -> int:
    low, high = SEATS_RANGE
    if not text.isdigit() or not low <= int(text) <= high:
        raise argparse.ArgumentTypeError(f"seats are {low} to {high}, not {text[:40]!r}")
    return int(text)


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text[:40]!r}") from None
    if not 1 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"must be 1 to {MAX_DAYS} days, not {text[:40]}")
    return days


def register(sub: Subcommands) -> None:
    """``kiosk topics|slots|weekly-time|extra-session``."""
    sp = add_command(sub, "topics", cmd_topics, "list help topics")
    sp.add_argument(
        "--lang", type=lang_arg, default="lt", help="names in this language (lt, en, ru, uk, pl)"
    )
    sp.add_argument("--all", action="store_true", help="include inactive topics")
    sp = add_command(sub, "slots", cmd_slots, "free times for a topic")
    sp.add_argument("--topic", required=True)
    sp.add_argument("--date", type=date_arg)
    sp.add_argument("--days", type=_days, help=f"1 to {MAX_DAYS}")
    sp.add_argument(
        "--lang", type=lang_arg, default="lt", help="the visitor's language (default lt)"
    )
    for name, func, help_ in (
        (
            "weekly-time",
            cmd_weekly_time,
            "add an e-scout's weekly time (a group: --seats, --topic)",
        ),
        ("extra-session", cmd_extra_session, "add an extra session on a date (group: --seats)"),
    ):
        sp = add_command(sub, name, func, help_)
        sp.add_argument("--scout", required=True, help="the e-scout's id")
        if name == "weekly-time":
            sp.add_argument("--weekday", type=_weekday, required=True, help="0 Monday .. 6")
        else:
            sp.add_argument("--date", type=date_arg, required=True)
            sp.add_argument("--note", help="a note for the librarians")
        sp.add_argument("--start", required=True, help="HH:MM")
        sp.add_argument("--end", required=True, help="HH:MM")
        sp.add_argument("--place", required=True, help="where in the library")
        sp.add_argument("--seats", type=_seats, default=1, help="1, or 2-8 for a small group")
        sp.add_argument(
            "--topic",
            metavar="SLUG",
            help="a group's own topic (one the e-scout covers; needs 2 or more seats)",
        )
