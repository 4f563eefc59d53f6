"""``kiosk results merge|report|libraries``: the programme's side, on files only (no data
dir opened)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from kiosk.cli.common import (
    EXIT_REFUSED,
    MAX_STORE_LINE,
    Parser,
    Subcommands,
    data_dir_named,
    date_arg,
    deliver,
    emit,
    output_path,
    say,
)
from kiosk.domain.errors import KioskError


def cmd_results_merge(args: argparse.Namespace) -> int:
    from kiosk.programme.report import merge

    sources = tuple(Path(p) for p in args.paths)
    db = output_path(args.out, "--out", data_dir_named(args), inputs=sources)
    outcome = merge(list(sources), db, force=args.force)
    for line in outcome.refused:  # names a file, which must stay whole
        say(f"refused {line}", MAX_STORE_LINE)
    emit({**outcome.to_dict(), "db": str(db)})
    # 0: every file merged or already standing; 2: some were refused (each named on stderr
    # in one line), the rest merged.
    return EXIT_REFUSED if outcome.refused else 0


_ID = re.compile(r"[^\x00-\x20\x7f-\x9f,]{1,200}")


def library_id_arg(text: str) -> str:
    """A library id as a results file carries it: one plain word, no commas."""
    if not _ID.fullmatch(text):
        raise argparse.ArgumentTypeError(
            "a library id: up to 200 characters, no spaces, commas or control characters"
        )
    return text


def install_id_arg(text: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{16,64}", text):
        raise argparse.ArgumentTypeError(
            "an install id: 16 to 64 hex digits (as refused merge says)"
        )
    return text


def _db_to_change(args: argparse.Namespace) -> Path:
    db = Path(args.db)
    return output_path(args.db, "DB", data_dir_named(args)) if not db.is_file() else db


def cmd_libraries_add(args: argparse.Namespace) -> int:
    from kiosk.programme.report import add_library

    db = _db_to_change(args)
    emit(add_library(db, args.library_id, args.name, args.municipality, args.install))
    return 0


def cmd_libraries_alias(args: argparse.Namespace) -> int:
    from kiosk.programme.report import alias_library

    emit(alias_library(_db_to_change(args), args.old, args.new))
    return 0


def cmd_libraries_list(args: argparse.Namespace) -> int:
    from kiosk.programme.report import list_libraries

    emit(list_libraries(Path(args.db)))
    return 0


def cmd_results_report(args: argparse.Namespace) -> int:
    from kiosk.programme.report import programme_csv, programme_json, report

    if args.from_ and args.to and args.to < args.from_:
        raise KioskError("bad_period", "--to is before --from")
    db = Path(args.db)
    target = (
        output_path(args.out, "--out", data_dir_named(args), inputs=(db,))
        if args.out is not None
        else None
    )
    prog = report(db, args.from_, args.to, lang=args.lang)
    if args.format == "html":
        from kiosk.programme.html import programme_html

        payload = programme_html(prog)
    elif args.format == "csv":
        payload = programme_csv(prog)
    else:
        payload = programme_json(prog)
    deliver(payload, target)
    return 0


def register(sub: Subcommands) -> None:
    """``kiosk results merge|report``: each sets ``file_func``, run without a data dir."""
    results = sub.add_parser("results", help="merge libraries' results files and report")
    rsub = results.add_subparsers(dest="results_command", parser_class=Parser, required=True)
    sp = rsub.add_parser("merge", help="load results files (or folders of them) into DuckDB")
    sp.add_argument("paths", nargs="+", metavar="FILE_OR_DIR")
    sp.add_argument("--out", required=True, metavar="DB")
    sp.add_argument(
        "--force",
        action="store_true",
        help="merge a file even where its period reaches beyond its rows over rows merged before",
    )
    sp.set_defaults(file_func=cmd_results_merge)
    sp = rsub.add_parser("report", help="the programme's tables from a merged database")
    sp.add_argument("db", metavar="DB")
    sp.add_argument("--from", dest="from_", type=date_arg)
    sp.add_argument("--to", type=date_arg)
    sp.add_argument("--format", choices=["json", "csv", "html"], default="json")
    sp.add_argument(
        "--lang", choices=["lt", "en"], default="lt", help="headings and labels (default lt)"
    )
    sp.add_argument("--out")
    sp.set_defaults(file_func=cmd_results_report)
    lib = rsub.add_parser("libraries", help="the registry of libraries in a merged database")
    lsub = lib.add_subparsers(dest="libraries_command", parser_class=Parser, required=True)
    sp = lsub.add_parser("add", help="register a library, or one more kiosk (install) of it")
    sp.add_argument("db", metavar="DB")
    sp.add_argument("library_id", type=library_id_arg, metavar="LIBRARY_ID")
    sp.add_argument("--name")
    sp.add_argument("--municipality")
    sp.add_argument("--install", type=install_id_arg, metavar="INSTALL_ID")
    sp.set_defaults(file_func=cmd_libraries_add)
    sp = lsub.add_parser("alias", help="OLD is an earlier id of NEW: its history moves along")
    sp.add_argument("db", metavar="DB")
    sp.add_argument("old", type=library_id_arg, metavar="OLD")
    sp.add_argument("new", type=library_id_arg, metavar="NEW")
    sp.set_defaults(file_func=cmd_libraries_alias)
    sp = lsub.add_parser("list", help="every library: earlier ids, kiosks, files standing")
    sp.add_argument("db", metavar="DB")
    sp.set_defaults(file_func=cmd_libraries_list)
