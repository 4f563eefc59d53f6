"""The library's data as a whole: export results, back up, restore, purge past retention."""

from __future__ import annotations

import argparse
from pathlib import Path

from db.backups import PREFIX as BACKUP_PREFIX
from kiosk.cli.common import (
    Subcommands,
    add_command,
    backup_folder,
    cut,
    date_arg,
    deliver,
    emit,
    lang_arg,
    output_path,
    reason,
)
from kiosk.domain.errors import KioskError
from kiosk.services import Services


def cmd_export(services: Services, args: argparse.Namespace) -> int:
    from kiosk.results.reports import export_results

    # Checked before anything is computed: a refused path costs nothing and writes nothing.
    target = (
        output_path(args.out, "--out", services.store.data_dir) if args.out is not None else None
    )
    if args.format == "results":
        return cmd_export_programme(services, args, target)
    if args.from_ is None or args.to is None:
        raise KioskError("bad_period", "--from and --to are required for csv and json")
    if args.to < args.from_:
        raise KioskError("bad_period", "--to is before --from")
    if args.format in ("months", "scouts", "rows"):
        payload = _export_table(services, args, target)
    else:
        payload = export_results(
            services.booking, services.activity, args.from_, args.to, args.format, args.lang
        )
    deliver(payload, target)
    return 0


def _export_table(services: Services, args: argparse.Namespace, target: Path | None) -> bytes:
    """``--format months|scouts|rows`` as ``--as`` csv, json or xlsx (else the --out suffix)."""
    from kiosk.results import tables as report_tables

    kind = args.as_ or (target.suffix.lstrip(".").lower() if target is not None else "")
    kind = kind if kind in ("csv", "json", "xlsx") else "csv"
    span = (services.booking, services.activity, args.from_, args.to)
    if args.format == "months":
        return report_tables.export_months(*span, kind, args.lang)
    if args.format == "scouts":
        return report_tables.export_scouts(*span, kind, args.lang)
    from kiosk.programme.file import pseudonym, results_salt

    salt = results_salt(services)
    return report_tables.export_rows(*span, lambda s: pseudonym(salt, s), kind, args.lang)


def cmd_export_programme(services: Services, args: argparse.Namespace, target: Path | None) -> int:
    from kiosk.programme.file import export_programme_results

    if target is None:
        raise KioskError("no_out", "--format results needs --out FILE (it is a Parquet file)")
    header = export_programme_results(services, target, args.from_, args.to)
    emit(
        {
            "written": str(target),
            "library_id": header.library_id,
            "from": header.first.isoformat(),
            "to": header.last.isoformat(),
            "rows": header.rows,
            "schema_version": header.version,
        }
    )
    return 0


def cmd_backup(services: Services, args: argparse.Namespace) -> int:
    if args.to is not None:
        return cmd_backup_to(services, args)
    path = services.maintenance.backup()
    kept = [str(p) for p in services.maintenance.backups()]
    emit({"backup": str(path) if path else None, "kept": kept})
    return 0


def cmd_backup_to(services: Services, args: argparse.Namespace) -> int:
    """``kiosk backup --to DIR``: the newest backup copied off the PC, DIR rotating."""
    folder = backup_folder(args.to, "--to", services.store.data_dir, args.same_disk)
    try:
        copy = services.maintenance.backup_to(folder, args.keep, services.retention.eraser())
    except OSError as exc:
        # A full stick, a share gone mid-copy, a file system that refuses mode 0600.
        raise KioskError(
            "write_failed", f"cannot copy the backup to {cut(args.to)!r}: {reason(exc)}"
        ) from None
    kept = sorted((str(p) for p in folder.glob(f"{BACKUP_PREFIX}*.json")), reverse=True)
    emit({"backup": str(copy) if copy else None, "to": str(folder), "kept": kept})
    return 0


def keep_arg(text: str) -> int:
    """``--keep N``: how many copies the folder keeps, 1..1000."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text[:40]!r}") from None
    if not 1 <= value <= 1000:
        raise argparse.ArgumentTypeError(f"--keep must be 1..1000, not {value}")
    return value


def cmd_restore(services: Services, args: argparse.Namespace) -> int:
    backup = Path(args.backup)
    try:
        is_file = backup.is_file()
    except (OSError, ValueError) as exc:
        raise KioskError("no_backup", f"cannot read {cut(backup)!r}: {reason(exc)}") from None
    if not is_file:
        raise KioskError("no_backup", f"no backup file at {cut(backup)!r}")
    # Checked before asking for --yes: a file that would not load is refused either way.
    services.maintenance.validate_file(backup)
    if not args.yes:
        raise KioskError("confirm", "restoring replaces all current data; repeat with --yes")
    saved = services.maintenance.restore(backup)
    emit({"restored": str(backup), "saved_as": str(saved) if saved else None})
    return 0


def cmd_purge(services: Services, args: argparse.Namespace) -> int:
    emit(services.retention.purge().to_dict())
    return 0


def register(sub: Subcommands) -> None:
    """``kiosk export|backup|restore|purge``."""
    sp = add_command(sub, "export", cmd_export, "export results for a period")
    sp.add_argument("--from", dest="from_", type=date_arg)
    sp.add_argument("--to", type=date_arg)
    sp.add_argument(
        "--format",
        choices=["csv", "json", "results", "months", "scouts", "rows"],
        default="csv",
        help="csv/json: the results summary; months: month tables and trend; scouts: hours "
        "per e-scout; rows: every activity form, anonymous; results: the programme's file",
    )
    sp.add_argument(
        "--as", dest="as_", choices=["csv", "json", "xlsx"], help="file type of months|scouts|rows"
    )
    sp.add_argument("--lang", type=lang_arg, default="lt", help="labels and headers: lt or en")
    sp.add_argument("--out")
    sp = add_command(
        sub, "backup", cmd_backup, "copy the data file to backups/ (rotating), or --to a folder"
    )
    sp.add_argument(
        "--to",
        metavar="DIR",
        help="also copy the newest backup into DIR off this PC (a USB stick, a mounted share); "
        "DIR keeps its newest --keep copies",
    )
    sp.add_argument(
        "--keep",
        type=keep_arg,
        metavar="N",
        help="copies DIR keeps (default: the library's backups_keep setting)",
    )
    sp.add_argument(
        "--same-disk",
        action="store_true",
        help="allow a DIR on the data dir's own disk (normally refused: no backup off the PC)",
    )
    sp = add_command(sub, "restore", cmd_restore, "replace the data with a backup (checked first)")
    sp.add_argument("backup")
    sp.add_argument("--yes", action="store_true")
    # A restore is how a refused data file is repaired, so it must not need to open it.
    sp.set_defaults(open_store=False)
    add_command(sub, "purge", cmd_purge, "erase visitor names and phones past the retention period")
