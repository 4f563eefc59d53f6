"""Messages: ``kiosk remind [--dry-run]`` (the deploy timer's run every 15 minutes),
``kiosk remind log`` and ``kiosk scout-sms ID`` (an e-scout's consent to shift texts)."""

from __future__ import annotations

import argparse

from kiosk.cli.common import Parser, Subcommands, add_command, emit
from kiosk.domain.errors import KioskError
from kiosk.messages.outbox import run
from kiosk.services import Services


def cmd_remind(services: Services, args: argparse.Namespace) -> int:
    emit(run(services.remind, dry_run=args.dry_run).to_dict())
    return 0


def cmd_remind_log(services: Services, args: argparse.Namespace) -> int:
    emit([row.to_dict() for row in services.remind.log()])
    return 0


def cmd_scout_sms(services: Services, args: argparse.Namespace) -> int:
    if args.agree == args.off:
        raise KioskError("confirm", "say --agree (with --phone) or --off")
    scout = services.remind.set_scout_sms(args.scout, args.phone, agree=args.agree)
    emit({"id": scout.id, "phone": scout.phone, "shift_sms": scout.shift_sms})
    return 0


def register(sub: Subcommands) -> None:
    """``kiosk remind [--dry-run]``, ``kiosk remind log``, ``kiosk scout-sms``."""
    sp = add_command(
        sub, "remind", cmd_remind, "send the reminders, offers and texts due (timer: 15 min)"
    )
    sp.add_argument("--dry-run", action="store_true", help="print what would be sent; send nothing")
    rsub = sp.add_subparsers(dest="remind_command", parser_class=Parser)
    lp = rsub.add_parser("log", help="the send log (code, channel, time, status)")
    lp.set_defaults(func=cmd_remind_log)
    sp = add_command(sub, "scout-sms", cmd_scout_sms, "an e-scout's text the day before each shift")
    sp.add_argument("scout", metavar="ID")
    sp.add_argument("--phone", help="the e-scout's phone (kept if not given)")
    sp.add_argument("--agree", action="store_true", help="the e-scout agreed")
    sp.add_argument("--off", action="store_true", help="no more shift texts")
