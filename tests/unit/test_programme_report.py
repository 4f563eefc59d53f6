"""The programme's report from three demo libraries' exports: HTML with inline charts and
nothing loaded from the network; CSV and JSON with the same figures."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from datetime import date
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.demo import load_demo, seed_demo
from kiosk.domain.activity import ActivityService
from kiosk.domain.clock import FixedClock
from kiosk.domain.records import SETTINGS
from kiosk.programme import file as programme_file
from kiosk.programme.file import export_programme_results
from kiosk.programme.html import programme_html
from kiosk.programme.report import merge, report
from kiosk.results.reports import words
from kiosk.services import Services, build_services
from tests.conftest import NOW
from tests.unit.programme_helpers import NOV, add_forms, make_library, v1_file

ROOT = Path(__file__).resolve().parents[2]

LIBRARIES = [
    ("LT-VAMB", "Vilniaus m. sav."),
    ("LT-KKVB", "Kauno m. sav."),
    ("LT-UTVB", "Utenos r. sav."),
]


def demo_library(root: Path, n: int) -> Services:
    """The demo library with its demo bookings: one no-show, 2 + n done and described."""
    library_id, municipality = LIBRARIES[n]
    clock = FixedClock(NOW)
    lib = build_services(root / library_id, clock)
    seed_demo(lib.store, lib.clock, with_bookings=True)
    with lib.store.transaction() as tx:
        tx.update(SETTINGS, {"library_id": library_id, "municipality": municipality}, key="library")
    bookings = lib.booking.bookings()
    assert len(bookings) >= 3 + n
    clock.current = max(b.ends for b in bookings)  # they have taken place (or not) by now
    lib.desk.mark_no_show(bookings[0].code)
    forms = ActivityService(lib.store, lib.clock)
    for k, booking in enumerate(bookings[1 : 3 + n], start=1):
        lib.desk.mark_done(booking.code)
        draft = forms.prefill(booking)
        draft.age_group, draft.outcome, draft.first_visit = "65_74", "solved", k % 2 == 1
        forms.record(draft)
    return lib


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("programme")
    mp = pytest.MonkeyPatch()
    mp.setenv("KIOSK_NOW", NOW.isoformat())
    # The point here is the report's forms: every count of a few demo visits is sent.
    mp.setattr(programme_file, "MIN_COUNT", 1)
    (root / "inbox").mkdir()  # an export makes no folder
    try:
        for n in range(len(LIBRARIES)):
            lib = demo_library(root, n)
            out = root / "inbox" / f"{n}.parquet"
            args = ["--data-dir", str(lib.data_dir), "export", "--format", "results"]
            assert (
                main([*args, "--from", "2026-11-01", "--to", "2026-12-31", "--out", str(out)]) == 0
            )
        db = root / "programme.duckdb"
        assert main(["results", "merge", str(root / "inbox"), "--out", str(db)]) == 0
    finally:
        mp.undo()
    return db


def test_html_report_has_inline_charts_and_loads_nothing(merged: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["results", "report", str(merged), "--format", "html", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.count("<svg") >= 8  # a chart per table, drawn inline
    assert "<rect" in page or "<path" in page  # the bars themselves
    for name, _ in LIBRARIES:
        assert name in page
    # Nothing that would fetch: no script, no external stylesheet, image, frame or font.
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page, re.I)
    assert not re.search(r"\b(src|href|xlink:href)\s*=\s*[\"']?\s*(https?:)?//", page, re.I)
    assert not re.search(r"url\((?!#)|@import", page, re.I)  # url(#id): a clip in the page
    # The only http(s) strings left are XML namespace names, which nothing loads.
    urls = re.findall(r"(\S*)(https?://[^\s\"'<>)]+)", page)
    assert urls and all(prefix.startswith("xmlns") for prefix, _ in urls), urls


def test_json_report_tables(merged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["results", "report", str(merged)]) == 0
    prog = json.loads(capsys.readouterr().out)
    totals = prog["totals"]
    # Library n described 2 + n consultations and marked one no-show.
    assert totals["consultations"] == 2 + 3 + 4
    assert totals["libraries"] == totals["municipalities"] == 3
    assert totals["no_shows"] == 3
    assert totals["people"] + totals["repeat_visits"] == totals["consultations"]
    assert {r["key"] for r in prog["by_municipality"]} == {m for _, m in LIBRARIES}
    assert {r["key"]: r["consultations"] for r in prog["by_library"]} == {
        "LT-VAMB": 2,
        "LT-KKVB": 3,
        "LT-UTVB": 4,
    }
    assert sum(r["consultations"] for r in prog["by_month"]) == totals["consultations"]
    assert max(r["scouts_active"] for r in prog["by_month"]) <= totals["scouts_active"]
    assert totals["scouts_active"] > 0
    for table in ("by_topic", "by_age", "by_outcome", "by_language", "by_visit"):
        assert sum(r["consultations"] for r in prog[table]) >= totals["consultations"], table
    assert sum(r["count"] for r in prog["by_status"]) == totals["bookings"]
    # An empty period: zeros and no rate, not an error.
    assert main(["results", "report", str(merged), "--to", "2020-01-01"]) == 0
    empty = json.loads(capsys.readouterr().out)["totals"]
    assert (empty["consultations"], empty["no_show_rate"]) == (0, None)


def test_csv_report_is_one_long_table(merged: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["results", "report", str(merged), "--format", "csv"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    t = words("lt")  # Lithuanian by default
    heads = ["table", "key", "label", "measure", "value"]
    assert rows[0] == [t(f"lib.programme.col.{c}") for c in heads]
    cells = {(r[0], r[1], r[3]): r[4] for r in rows[1:]}
    consultations = t("lib.programme.col.consultations")
    assert cells[(t("lib.programme.col.total"), "consultations", consultations)] == "9"
    assert cells[(t("lib.programme.table.by_library"), "LT-UTVB", consultations)] == "4"
    covers = (t("lib.programme.period"), "covers", t("lib.programme.col.month"))
    assert cells[covers].lstrip("\u2060") == "2026-11"  # the demo's bookings: November


# -- the report's language ---------------------------------------------------------------


def catalogue_words(lang: str) -> set[str]:
    """Every heading and label the report takes from the librarian catalogue in ``lang``."""
    catalogue = ROOT / "kiosk" / "locales" / lang / "LC_MESSAGES" / "librarian.po"
    found = re.findall(
        r'^msgid "(lib\.(?:programme|report\.(?:visit|state|source|weekday)|age|outcome)'
        r'\.[^"]+)"\nmsgstr "([^"]+)"',
        catalogue.read_text(encoding="utf-8"),
        flags=re.M,
    )
    return {text.split("{")[0].strip() for _, text in found}


def reports(merged: Path, lang: str, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    out = {}
    for form in ("html", "csv", "json"):
        assert main(["results", "report", str(merged), "--format", form, "--lang", lang]) == 0
        out[form] = capsys.readouterr().out
    return out


@pytest.mark.parametrize(("lang", "other"), [("en", "lt"), ("lt", "en")])
def test_every_heading_is_in_the_reports_language(
    merged: Path, lang: str, other: str, capsys: pytest.CaptureFixture[str]
) -> None:
    own, foreign = catalogue_words(lang), catalogue_words(other)
    only_foreign = {w for w in foreign - own if len(w) > 3}  # "ne", "%", ... say nothing
    assert len(only_foreign) > 50
    made = reports(merged, lang, capsys)
    for form in ("html", "csv"):
        text = made[form]
        shown = set(re.findall(r"<(?:h1|h2|th|td|title|p)[^>]*>([^<]+)<", text)) | {
            cell for line in text.splitlines() for cell in line.split(";")
        }
        shown |= {s.split(":")[0] for s in shown}
        assert not shown & only_foreign, (form, sorted(shown & only_foreign)[:5])
        assert words(lang)("lib.programme.table.by_topic") in text, form
        assert not re.search(r"\blib\.[a-z]", text), form  # no key without its words


@pytest.mark.parametrize("lang", ["en", "lt"])
def test_topics_by_their_names_and_walk_ins_as_walk_ins(
    merged: Path, lang: str, capsys: pytest.CaptureFixture[str]
) -> None:
    prog = json.loads(reports(merged, lang, capsys)["json"])
    topics = {tp.slug: tp.name(lang) for tp in load_demo().topics}
    by_topic = {r["key"]: r["label"] for r in prog["by_topic"]}
    assert by_topic and all(by_topic[k] == topics[k] for k in by_topic), by_topic
    assert any(by_topic[k] != k for k in by_topic)  # names, not slugs
    source = {r["key"]: r["label"] for r in prog["by_source"] + prog["by_language"]}
    if "walk_in" in source:
        assert source["walk_in"] == words(lang)("lib.report.source.walk_in")
    page = reports(merged, lang, capsys)["html"]
    assert f'<html lang="{lang}">' in page
    for name in by_topic.values():
        assert html.escape(name) in page


def test_a_library_without_topic_names_shows_slugs(tmp_path: Path) -> None:
    """A version 1 file carries no names: its topics read as their slugs."""
    lib = make_library(tmp_path / "lib", "LT-OLD", "")
    add_forms(lib, [{"date": date(2026, 11, d), "id": f"f{d}"} for d in (2, 3, 4)])
    v1_file(lib, tmp_path / "in" / "old.parquet", *NOV)
    merge([tmp_path / "in"], tmp_path / "p.duckdb")
    prog = report(tmp_path / "p.duckdb", lang="en")
    assert [(r["key"], r["label"]) for r in prog.tables["by_topic"]] == [("email", "email")]


def test_the_period_is_the_months_the_data_covers_and_gaps_are_marked(tmp_path: Path) -> None:
    lib = make_library(tmp_path / "lib", "LT-GAP", "")
    months = [date(2026, 1, 1), date(2026, 2, 1), date(2026, 5, 1)]
    add_forms(
        lib, [{"date": m.replace(day=d), "id": f"{m}-{d}"} for m in months for d in (2, 3, 4)]
    )
    for m in months:  # January, February and May sent; March and April not
        export_programme_results(lib, tmp_path / "in" / f"{m}.parquet", m, m)
    db = tmp_path / "p.duckdb"
    assert merge([tmp_path / "in"], db).refused == []
    prog = report(db, lang="en")
    assert prog.covers() == "2026-01 – 2026-05"
    [row] = prog.tables["reporting"]
    assert (row["periods"], row["gaps"]) == ("2026-01 – 2026-02, 2026-05", "2026-03 – 2026-04")
    page = programme_html(prog).decode()
    assert "Period: 2026-01 – 2026-05" in page and "…" not in page
    assert '<td class="gap">2026-03 – 2026-04</td>' in page
    assert "td.gap { color: #b00020" in page  # red
    empty = report(db, date(2020, 1, 1), date(2020, 12, 31), lang="en")
    assert "Period: No data." in programme_html(empty).decode()
