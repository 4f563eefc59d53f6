"""Paper the desk prints from the command line: a booking's ticket, an e-scout's sign-in card,
the wall poster of the week's e-scout times.

A ticket and a card carry a new token: the files are written first, and the token counts only
once they are.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kiosk.cli.common import (
    Subcommands,
    add_command,
    date_arg,
    emit,
    lang_arg,
    output_path,
    write_private,
)
from kiosk.domain.booking import Ticket
from kiosk.domain.errors import KioskError
from kiosk.domain.models import Scout
from kiosk.services import Services


def cmd_ticket(services: Services, args: argparse.Namespace) -> int:
    from kiosk.paper.ticket_render import ticket_pdf, ticket_svg

    if args.svg is None and args.pdf is None:
        raise KioskError("bad_output", "name a file: --svg FILE and/or --pdf FILE")
    # option -> (path, renderer): the same ticket content in every format.
    targets = {
        option: (output_path(raw, f"--{option}", services.store.data_dir), render)
        for option, raw, render in (
            ("svg", args.svg, lambda c: ticket_svg(c).encode("utf-8")),
            ("pdf", args.pdf, ticket_pdf),
        )
        if raw is not None
    }
    written: list[Path] = []

    def write(ticket: Ticket) -> None:
        booking = ticket.booking
        content = services.catalog.ticket_content(booking, ticket.token, booking.language)
        for target, render in targets.values():
            write_private(target, render(content))
            written.append(target)

    # The files are written before the new token is committed: a failed write leaves the
    # visitor's current ticket valid; a failed commit removes the files nobody can use.
    try:
        ticket = services.arrivals.reissue_ticket(args.code, deliver=write)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    out = {option: str(path) for option, (path, _) in targets.items()}
    emit({"code": ticket.booking.code, "token": ticket.token, **out})
    return 0


def _targets(args: argparse.Namespace, data_dir: Path) -> dict[str, Path]:
    """The files named by --svg / --pdf, each through the output guard."""
    return {
        option: output_path(raw, f"--{option}", data_dir)
        for option, raw in (("svg", args.svg), ("pdf", args.pdf))
        if raw is not None
    }


def cmd_scout_card(services: Services, args: argparse.Namespace) -> int:
    from kiosk.i18n import Translator
    from kiosk.paper.scout_card import build_card_content, card_pdf, card_svg

    access = services.scout_access
    if args.revoke:
        if args.svg is not None or args.pdf is not None or args.reissue:
            raise KioskError("bad_output", "--revoke takes no --svg, --pdf or --reissue")
        services.booking.scout(args.scout_id)  # unknown_scout for a typo
        access.revoke_card(args.scout_id)
        emit({"scout": args.scout_id, "card": False})
        return 0
    if args.svg is None and args.pdf is None:
        raise KioskError("bad_output", "name a file: --svg FILE and/or --pdf FILE")
    targets = _targets(args, services.store.data_dir)
    if access.has_card(args.scout_id) and not args.reissue:
        raise KioskError(
            "card_exists",
            f"e-scout {args.scout_id!r} has a card; --reissue makes a new one (the old one "
            "then stops working)",
        )
    library = services.catalog.settings().library_name
    renders = {"svg": lambda c: card_svg(c).encode("utf-8"), "pdf": card_pdf}
    written: list[Path] = []

    def write(scout: Scout, token: str) -> None:
        card = build_card_content(Translator(args.lang), library, scout.name, token)
        for option, path in targets.items():
            write_private(path, renders[option](card))
            written.append(path)

    # The files are written before the new card is saved: a failed write leaves the old
    # card working; a failed save removes the files, whose card would never work.
    try:
        access.issue_card(args.scout_id, deliver=write)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    emit({"scout": args.scout_id, "card": True, **{k: str(v) for k, v in targets.items()}})
    return 0


def poster_lang(text: str) -> str:
    """A ``--lang`` the poster is written in: one of the kiosk's visitor languages."""
    from kiosk.i18n import available_languages

    offered = available_languages()
    if lang_arg(text) not in offered:
        raise argparse.ArgumentTypeError(f"no language {text!r}; one of {', '.join(offered)}")
    return text


def cmd_poster(services: Services, args: argparse.Namespace) -> int:
    from kiosk.domain.week_times import monday_of, week_times
    from kiosk.i18n import Translator
    from kiosk.paper.poster import build_poster_content, poster_pdf

    target = output_path(args.pdf, "--pdf", services.store.data_dir)
    first_day = args.week or monday_of(services.clock.now().date())
    weeks = week_times(services.booking, first_day)
    settings = services.catalog.settings()
    content = build_poster_content(
        Translator(args.lang), settings.library_name, first_day, weeks, settings.library_phone
    )
    write_private(target, poster_pdf(content, a3=args.a3))
    emit(
        {
            "pdf": str(target),
            "week": first_day.isoformat(),
            "lang": args.lang,
            "size": "A3" if args.a3 else "A4",
            "topics": len(weeks),
            "times": sum(len(place.spans) for week in weeks for place in week.places),
        }
    )
    return 0


def register(sub: Subcommands) -> None:
    """``kiosk ticket|scout-card|poster``."""
    sp = add_command(
        sub, "ticket", cmd_ticket, "reissue a booking's ticket as a printable SVG and/or PDF"
    )
    sp.add_argument("code")
    sp.add_argument("--svg", help="write the ticket as an SVG file")
    sp.add_argument("--pdf", help="write the ticket as a PDF file (for a desk printer or lp)")
    sp = add_command(
        sub, "scout-card", cmd_scout_card, "issue an e-scout's sign-in card (SVG/PDF) or revoke it"
    )
    sp.add_argument("scout_id", metavar="ID")
    sp.add_argument("--svg", help="write the card as an SVG file")
    sp.add_argument("--pdf", help="write the card as an A6 PDF file")
    sp.add_argument(
        "--reissue", action="store_true", help="replace an existing card (the old one stops)"
    )
    sp.add_argument("--revoke", action="store_true", help="the card stops working; no new one")
    sp.add_argument("--lang", type=lang_arg, default="lt", help="the card's words (default lt)")
    sp = add_command(
        sub, "poster", cmd_poster, "a wall poster (PDF) of a week's free e-scout times"
    )
    sp.add_argument("--pdf", required=True, help="write the poster as a PDF file")
    sp.add_argument(
        "--week",
        type=date_arg,
        metavar="D",
        help="the 7 days from D, YYYY-MM-DD (default: this week, from Monday)",
    )
    sp.add_argument(
        "--lang", type=poster_lang, default="lt", help="the poster's words (default lt)"
    )
    sp.add_argument("--a3", action="store_true", help="an A3 page instead of A4")
