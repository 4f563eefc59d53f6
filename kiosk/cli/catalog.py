"""What can be booked: the help topics and a topic's free times."""

from __future__ import annotations

import argparse

from kiosk.cli.common import Subcommands, add_command, date_arg, emit, lang_arg
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


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text[:40]!r}") from None
    if not 1 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"must be 1 to {MAX_DAYS} days, not {text[:40]}")
    return days


def register(sub: Subcommands) -> None:
    """``kiosk topics|slots``."""
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
