"""Bookings and the desk's day: book, list, check in, cancel, mark, move, follow up, wait."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from typing import Any

from kiosk.cli.common import (
    EXIT_REFUSED,
    Parser,
    Subcommands,
    add_command,
    date_arg,
    emit,
    lang_arg,
)
from kiosk.domain.booking import Ticket
from kiosk.domain.clock import parse_instant
from kiosk.domain.errors import ErrorCode, KioskError
from kiosk.domain.models import BookingStatus, CallOutcome, Source
from kiosk.services import Services


def _start(text: str) -> datetime:
    """``--start`` as an aware time, or a one-line refusal."""
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise KioskError("bad_start", f"--start: {exc}") from None


def _emit_ticket(ticket: Ticket) -> None:
    emit({**ticket.booking.public_dict(), "token": ticket.token})


def cmd_book(services: Services, args: argparse.Namespace) -> int:
    if args.remind and not (args.phone or "").strip() and not (args.email or "").strip():
        raise KioskError(ErrorCode.REMIND_NEEDS_CONTACT, "--remind needs --phone (or --email)")
    ticket = services.booking.book(
        args.topic,
        _start(args.start),
        args.name,
        phone=args.phone,
        scout=args.scout,
        language=args.lang,
        source=Source(args.source),
        remind=args.remind,
        email=args.email,
    )
    _emit_ticket(ticket)
    return 0


def cmd_bookings(services: Services, args: argparse.Namespace) -> int:
    found = services.booking.bookings(day=args.date, status=args.status)
    emit([b.public_dict() for b in found])
    return 0


def cmd_check_in(services: Services, args: argparse.Namespace) -> int:
    outcome = services.arrivals.check_in(args.ticket)
    out: dict[str, Any] = {"result": outcome.result.value}
    if outcome.booking is not None:
        b = outcome.booking
        out.update(
            code=b.code,
            status=b.status,
            start=b.start,
            place=b.place,
            scout=b.scout,
            checked_in_at=b.checked_in_at,
        )
    if outcome.opens_at is not None:
        out["opens_at"] = outcome.opens_at.isoformat()
    emit(out)
    if not outcome.ok:
        print(f"kiosk: check-in refused: {outcome.result.value}", file=sys.stderr)
        return EXIT_REFUSED
    return 0


def cmd_cancel(services: Services, args: argparse.Namespace) -> int:
    emit(services.booking.cancel(args.code).public_dict())
    return 0


def cmd_done(services: Services, args: argparse.Namespace) -> int:
    emit(services.desk.mark_done(args.code).public_dict())
    return 0


def cmd_no_show(services: Services, args: argparse.Namespace) -> int:
    emit(services.desk.mark_no_show(args.code).public_dict())
    return 0


def cmd_undo(services: Services, args: argparse.Namespace) -> int:
    emit(services.desk.undo(args.code, args.reason).public_dict())
    return 0


def cmd_move(services: Services, args: argparse.Namespace) -> int:
    emit(services.booking.move(args.code, _start(args.start), scout=args.scout).public_dict())
    return 0


def cmd_unrecorded(services: Services, args: argparse.Namespace) -> int:
    emit([b.public_dict() for b in services.desk.unrecorded()])
    return 0


def cmd_calls(services: Services, args: argparse.Namespace) -> int:
    # A missed shift is marked by whoever looks first: a console, or this command.
    services.scout_day.mark_missed_calls()
    emit([b.public_dict() for b in services.desk.to_call()])
    return 0


def cmd_called(services: Services, args: argparse.Namespace) -> int:
    emit(services.desk.mark_called(args.code, CallOutcome(args.how), by="cli").public_dict())
    return 0


def cmd_follow_up(services: Services, args: argparse.Namespace) -> int:
    if args.start is None:
        emit([s.to_dict() for s in services.booking.follow_up_slots(args.code)])
        return 0
    _emit_ticket(services.booking.book_follow_up(args.code, _start(args.start), args.scout))
    return 0


def cmd_waitlist(services: Services, args: argparse.Namespace) -> int:
    emit([e.to_dict() for e in services.waitlist.entries(args.topic)])
    return 0


def cmd_waitlist_add(services: Services, args: argparse.Namespace) -> int:
    if args.remind and not (args.phone or "").strip():
        raise KioskError(ErrorCode.REMIND_NEEDS_CONTACT, "--remind needs --phone")
    entry = services.waitlist.add(args.topic, args.name, args.phone, args.lang, args.remind)
    emit(entry.to_dict())
    return 0


def cmd_waitlist_remove(services: Services, args: argparse.Namespace) -> int:
    emit(services.waitlist.remove(args.id).to_dict())
    return 0


def register(sub: Subcommands) -> None:
    """``kiosk book|bookings|check-in|cancel|done|no-show|undo|unrecorded|calls|called|move|
    follow-up|waitlist``."""
    sp = add_command(sub, "book", cmd_book, "book a free time")
    sp.add_argument("--topic", required=True)
    sp.add_argument("--start", required=True)
    sp.add_argument("--name", required=True)
    sp.add_argument("--phone")
    sp.add_argument("--email", help="for an e-mail reminder (with --remind)")
    sp.add_argument(
        "--remind",
        action="store_true",
        help="the visitor agreed to a reminder the day before (needs --phone or --email)",
    )
    sp.add_argument("--scout")
    sp.add_argument("--lang", type=lang_arg, default="lt")
    sp.add_argument("--source", choices=[s.value for s in Source], default=Source.KIOSK.value)
    sp = add_command(sub, "bookings", cmd_bookings, "list bookings")
    sp.add_argument("--date", type=date_arg)
    sp.add_argument("--status", choices=[s.value for s in BookingStatus])
    sp = add_command(sub, "check-in", cmd_check_in, "check in by token or code")
    sp.add_argument("ticket")
    sp = add_command(sub, "cancel", cmd_cancel, "cancel a booking by code")
    sp.add_argument("code")
    sp = add_command(sub, "done", cmd_done, "mark a booking done")
    sp.add_argument("code")
    sp = add_command(sub, "no-show", cmd_no_show, "mark a booking as a no-show")
    sp.add_argument("code")
    sp = add_command(sub, "undo", cmd_undo, "take back a booking's last status change (same day)")
    sp.add_argument("code")
    sp.add_argument("--reason", required=True)
    add_command(
        sub, "unrecorded", cmd_unrecorded, "bookings of past days still booked or checked in"
    )
    add_command(
        sub, "calls", cmd_calls, "bookings whose visitor must be phoned (a change, a missed shift)"
    )
    sp = add_command(sub, "called", cmd_called, "the visitor of a booking to call was told")
    sp.add_argument("code")
    sp.add_argument(
        "--how",
        choices=[CallOutcome.CALLED.value, CallOutcome.OTHER_WAY.value],
        default=CallOutcome.CALLED.value,
        help="called (default), or other_way: reached another way",
    )
    sp = add_command(
        sub, "move", cmd_move, "move a booking to another free time (same code and ticket)"
    )
    sp.add_argument("code")
    sp.add_argument("--start", required=True, help="ISO 8601 time")
    sp.add_argument("--scout", help="e-scout id (default: any who covers the topic)")
    sp = add_command(
        sub, "follow-up", cmd_follow_up, "the next session for a booking's visitor and topic"
    )
    sp.add_argument("code")
    sp.add_argument("--start", help="book this time (without it: list the free times)")
    sp.add_argument("--scout")
    sp = add_command(
        sub, "waitlist", cmd_waitlist, "who waits for a time (add / remove: see below)"
    )
    sp.add_argument("--topic")
    waits = sp.add_subparsers(dest="waitlist_command", parser_class=Parser)
    wp = waits.add_parser("add", help="put a visitor on the waiting list for a topic")
    wp.set_defaults(func=cmd_waitlist_add)
    wp.add_argument("--topic", required=True)
    wp.add_argument("--name", required=True)
    wp.add_argument("--phone")
    wp.add_argument("--lang", type=lang_arg, default="lt")
    wp.add_argument(
        "--remind",
        action="store_true",
        help="the visitor agreed to one text when a time frees up (needs --phone)",
    )
    wp = waits.add_parser("remove", help="take an entry off the waiting list")
    wp.set_defaults(func=cmd_waitlist_remove)
    wp.add_argument("id")
