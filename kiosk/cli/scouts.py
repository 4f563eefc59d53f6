"""The e-scouts (list, add, edit), an e-scout's PIN and volunteer hours (with the certificate
for them)."""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import replace
from typing import Any

from kiosk.cli.common import (
    Parser,
    Subcommands,
    add_command,
    date_arg,
    emit,
    lang_arg,
    output_path,
    write_private,
)
from kiosk.domain.auth import check_new_pin
from kiosk.domain.catalog import scout_id_from_name
from kiosk.domain.errors import ErrorCode, KioskError
from kiosk.domain.models import Scout
from kiosk.domain.validation import check_chosen_languages, check_scout_name
from kiosk.services import Services


def cmd_scouts(services: Services, args: argparse.Namespace) -> int:
    """``kiosk scouts``: every e-scout (the librarian's view, contact included)."""
    emit([s.to_dict() for s in services.catalog.scouts()])
    return 0


def _known_topics(services: Services, topics: list[str]) -> list[str]:
    known = {t.slug for t in services.catalog.topics()}
    unknown = [t for t in topics if t not in known]
    if unknown:
        raise KioskError(ErrorCode.UNKNOWN_TOPIC, f"no topic {unknown[0]!r}")
    return list(dict.fromkeys(topics))


def cmd_scouts_add(services: Services, args: argparse.Namespace) -> int:
    """``kiosk scouts add``: a new e-scout; the first day is today unless given."""
    name = check_scout_name(args.name)
    taken = {s.id for s in services.catalog.scouts()}
    scout = Scout(
        scout_id_from_name(name, taken),
        name,
        _known_topics(services, args.topic or []),
        check_chosen_languages(list(dict.fromkeys(args.lang or ["lt"]))),
        contact=args.contact or "",
        full_name=args.full_name or "",
        first_day=args.first_day.isoformat() if args.first_day else None,
    )
    emit(services.catalog.save_scout(scout).to_dict())
    return 0


def cmd_scouts_edit(services: Services, args: argparse.Namespace) -> int:
    """``kiosk scouts edit ID``: change what is given, keep the rest."""
    scout = services.booking.scout(args.scout_id)
    changes: dict[str, Any] = {}
    if args.name is not None:
        changes["name"] = check_scout_name(args.name)
    if args.topic is not None:
        changes["topics"] = _known_topics(services, args.topic)
    if args.lang is not None:
        changes["languages"] = check_chosen_languages(list(dict.fromkeys(args.lang)))
    if args.contact is not None:
        changes["contact"] = args.contact
    if args.full_name is not None:
        changes["full_name"] = args.full_name
    if args.first_day is not None:
        changes["first_day"] = args.first_day.isoformat()
    if args.no_first_day:
        changes["first_day"] = None
    emit(services.catalog.save_scout(replace(scout, **changes)).to_dict())
    return 0


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
    """``kiosk scouts|scout-pin|scout-hours`` (the sign-in card is with the other paper)."""
    sp = add_command(sub, "scouts", cmd_scouts, "the e-scouts (add / edit: see below)")
    which = sp.add_subparsers(dest="scouts_command", parser_class=Parser)
    for name, func, help_ in (
        ("add", cmd_scouts_add, "add an e-scout (first day: today unless --first-day)"),
        (
            "edit",
            cmd_scouts_edit,
            "change an e-scout's name, full name, contact, topics, languages, first day",
        ),
    ):
        wp = which.add_parser(name, help=help_)
        wp.set_defaults(func=func)
        if name == "edit":
            wp.add_argument("scout_id", metavar="ID")
        wp.add_argument("--name", required=name == "add", help="display name, e.g. 'Ieva K.'")
        wp.add_argument("--topic", action="append", help="a topic's slug (repeat for more)")
        wp.add_argument("--lang", action="append", type=lang_arg, help="a language spoken")
        wp.add_argument("--contact", help="the librarian-only contact")
        wp.add_argument(
            "--full-name",
            help="the name in full for certificates (librarian-only; '' removes it)",
        )
        day = wp.add_mutually_exclusive_group() if name == "edit" else wp
        day.add_argument(
            "--first-day",
            type=date_arg,
            help="the day they started volunteering: no activity form is dated before it",
        )
        if name == "edit":
            day.add_argument(
                "--no-first-day", action="store_true", help="first day unknown: no lower limit"
            )
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
