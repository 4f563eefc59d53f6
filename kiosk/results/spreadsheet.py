"""Tables for a spreadsheet: CSV as a Lithuanian spreadsheet reads it, and XLSX (and the
exports' JSON, for scripts).

A Lithuanian-locale spreadsheet (LibreOffice, Excel) splits a CSV on ``;`` and reads a
decimal comma, so the CSV is UTF-8 with a BOM (Excel then knows the encoding), ``;``
between fields and ``1,5`` for one and a half: numbers stay numbers when it opens. A field
holding ``,`` is quoted: LibreOffice's import dialog splits on commas too unless told not to.
Dates are written ``2026-11-23``, which LibreOffice reads as a date.

A CSV cannot say "this is text". LibreOffice's import reads ``+37061234567`` as the number
37061234567, and with "Detect special numbers" ticked ``75+`` as 75 and ``6E3479`` (a
booking code) as a huge number. So text that looks like a number starts with an invisible
WORD JOINER (U+2060): the spreadsheet keeps it as text and shows it as it is, with its ``+``
and leading zeros, no apostrophe in sight. An apostrophe stays only in front of text that
would run as a formula (a crafted place name ``=HYPERLINK(...)``): there it should show.
XLSX carries types itself (text, numbers, dates), whatever the locale.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime, time
from typing import Any

CSV_SEPARATOR = ";"
TEXT_MARK = "\u2060"  # WORD JOINER: invisible, and no spreadsheet reads a number after it
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Text a spreadsheet may take for a number, date or time: digits with signs, separators,
# a percent or an exponent ("+37061234567", "75+", "30–49", "15:00", "6E3479").
_NUMBER_LIKE = re.compile(r"[\s\d+\-\u2212\u2013.,:/%()eE]*\d[\s\d+\-\u2212\u2013.,:/%()eE]*")
_QUOTE_IF = (CSV_SEPARATOR, ",", '"', "\t", "\r", "\n")

Sheet = tuple[str, list[str], list[list[Any]]]  # title, header, rows


def csv_safe(row: list[Any]) -> list[Any]:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) gets a leading
    apostrophe, so a crafted place name cannot run."""
    return [f"'{v}" if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in row]


def csv_text(text: str) -> str:
    """Text as a CSV field a spreadsheet keeps as text: a number-like text behind the
    invisible ``TEXT_MARK``, a would-be formula behind an apostrophe, the rest as it is."""
    if _NUMBER_LIKE.fullmatch(text):
        return TEXT_MARK + text
    return csv_safe([text])[0]


def csv_value(value: Any) -> str:
    """One cell as CSV text: numbers with a decimal comma, dates ``YYYY-MM-DD``, times
    ``HH:MM``, text kept as text (``csv_text``), nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(value).replace(".", ",")  # the decimal comma: ``1,5``
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, list):
        return csv_text(", ".join(str(v) for v in value))
    return csv_text(str(value))


def _field(text: str) -> str:
    """A field quoted where an import could split it (``1,5`` too: quotes keep a number)."""
    if any(c in text for c in _QUOTE_IF):
        return '"' + text.replace('"', '""') + '"'
    return text


def csv_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    """UTF-8 with BOM, ``;`` separated, decimal comma, CRLF lines, text kept as text."""
    lines = [CSV_SEPARATOR.join(_field(csv_value(v)) for v in row) for row in [header, *rows]]
    return ("\ufeff" + "".join(line + "\r\n" for line in lines)).encode("utf-8")


def xlsx_bytes(sheets: list[Sheet]) -> bytes:
    """One workbook, a sheet per table: numbers as numbers, dates and times as dates and
    times, text as text cells (a phone keeps its "+", "75+" stays a label, never a formula)."""
    from openpyxl import Workbook  # only an XLSX export pays for the import
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title=_sheet_title(title))
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.data_type = "s"
        for row in rows:
            sheet.append([_xlsx_value(v) for v in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # openpyxl would take "=..." for a formula
                elif isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(cell.value, time):
                    cell.number_format = "hh:mm"
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
