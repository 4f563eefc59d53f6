"""Tables for a spreadsheet: CSV as a Lithuanian spreadsheet reads it, and XLSX (and the
exports' JSON, for scripts).

A Lithuanian-locale spreadsheet (LibreOffice, Excel) splits a CSV on ``;`` and reads a
decimal comma, so the CSV is UTF-8 with a BOM (Excel then knows the encoding), ``;``
between fields and ``1,5`` for one and a half: numbers stay numbers when it opens. XLSX
carries types itself (numbers, dates), whatever the locale.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

CSV_SEPARATOR = ";"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Sheet = tuple[str, list[str], list[list[Any]]]  # title, header, rows


def csv_safe(row: list[Any]) -> list[Any]:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
    apostrophe: a phone "+370..." stays text, and a crafted place name cannot run."""
    return [f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in row]


def decimal_comma(value: Any) -> Any:
    """A number as a Lithuanian spreadsheet reads it (``1,5``); anything else unchanged."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return value


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with BOM, ``;`` separated, decimal comma, CRLF lines."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=CSV_SEPARATOR, lineterminator="\r\n")
    writer.writerow(csv_safe(header))
    for row in rows:
        writer.writerow(csv_safe([decimal_comma(v) for v in row]))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """One workbook, a sheet per table: numbers as numbers, dates as dates, text never
    read as a formula."""
    from openpyxl import Workbook  # only an XLSX export pays for the import
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=_sheet_title(title))
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl would take "=..." for a formula
                elif isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_bytes(fmt: str, title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    """One table as XLSX (a sheet named ``title``) or CSV; ValueError for another format."""
    if fmt == "xlsx":
        return xlsx_bytes([(title, header, rows)])
    if fmt == "csv":
        return csv_bytes(header, rows)
    raise ValueError(f"unknown export format {fmt!r}")


def json_bytes(doc: Any) -> bytes:
    """UTF-8 JSON, indented, letters as they are (not ``\\u`` escapes)."""
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value


def _sheet_title(title: str) -> str:
    """A sheet title Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    clean = "".join(" " if c in "[]:*?/\\" else c for c in title).strip()
    return clean[:31] or "Sheet"
