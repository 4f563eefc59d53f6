"""An e-scout's PIN and volunteer hours (with the certificate for them)."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from kiosk.cli.common import (
    Subcommands,
    add_command,
    date_arg,
    emit,
    lang_arg,
    output_path,
    write_private,
)
from kiosk.domain.auth import check_new_pin
from kiosk.domain.errors import KioskError
from kiosk.services import Services


def cmd_scout_pin(services: Services, args: argparse.Namespace) -> int:
    services.booking.scout(args.scout_id)  # unknown_scout before anyone types a PIN
    if sys.stdin.isatty():
        pin = getpass.getpass("The e-scout's new PIN (4-12 digits): ")
        check_new_pin(pin)  # before it is asked again
        again = getpass.getpass("Repeat the PIN: ")
    else:
        pin, again = sys.stdin.readline().strip(), sys.stdin.readline().strip()
    if pin != again:
        raise KioskError("pin_mismatch", "the two PINs differ; nothing was changed")
    services.scout_access.set_pin(args.scout_id, pin)
    emit({"scout": args.scout_id, "pin_set": True})
    return 0


def cmd_scout_hours(services: Services, args: argparse.Namespace) -> int:
    from kiosk.paper.certificate import certificate_pdf

    if args.to < args.from_:
        raise KioskError("bad_period", f"--to {args.to} is before --from {args.from_}")
    target = (
        output_path(args.pdf, "--pdf", services.store.data_dir) if args.pdf is not None else None
    )
    hours = services.scout_day.hours(args.scout_id, args.from_, args.to)
    out: dict[str, Any] = {
        "scout": hours.scout.id,
        "name": hours.scout.name,
        "from": hours.first.isoformat(),
        "to": hours.last.isoformat(),
        "consultations": hours.consultations,
        "minutes": hours.minutes,
        "hours": hours.hours,
        "by_topic": hours.by_topic,
    }
    if target is not None:
        pdf = certificate_pdf(services, args.scout_id, args.from_, args.to, args.lang)
        write_private(target, pdf)
        out["pdf"] = str(target)
    emit(out)
    return 0


def register(sub: Subcommands) -> None:
    """``kiosk scout-pin|scout-hours`` (the sign-in card is with the other paper)."""
    sp = add_command(
        sub,
        "scout-pin",
        cmd_scout_pin,
        "set an e-scout's PIN (asks twice on a tty, else reads two lines from stdin)",
    )
    sp.add_argument("scout_id", metavar="ID")
    sp = add_command(
        sub, "scout-hours", cmd_scout_hours, "an e-scout's volunteer hours (JSON) or certificate"
    )
    sp.add_argument("scout_id", metavar="ID")
    sp.add_argument("--from", dest="from_", type=date_arg, required=True)
    sp.add_argument("--to", type=date_arg, required=True)
    sp.add_argument("--pdf", help="write the certificate as an A4 PDF")
    sp.add_argument("--lang", type=lang_arg, default="lt", help="the certificate's language")
