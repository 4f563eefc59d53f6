"""The librarian console in a browser: log in, check in, live updates, CSV download."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from kiosk.domain.models import SETTING_RANGES
from kiosk.services import Services
from kiosk.web.drive import click_cell, click_text, screen, wait_for_text
from tests.browser.conftest import Served, open_page, type_keys
from tests.conftest import NOW, PIN, put_booking

WRONG = "0000" if PIN != "0000" else "1111"


def log_in(page: Any) -> None:
    click_text(page, "Įveskite PIN")  # the terminal takes the keys once clicked
    type_keys(page, PIN)
    page.keyboard.press("Enter")
    wait_for_text(page, "Šiandien")


def test_console_in_a_browser(
    browser: Any, serve: Callable[..., Served], library: Services
) -> None:
    put_booking(library, code="ATVYKA", start=NOW + timedelta(hours=1), name="Aldona")
    served = serve()
    page = open_page(browser, served.url, accept_downloads=True)
    log_in(page)

    # Check a visitor in by clicks: her row, then the button.
    click_text(page, "ATVYKA")
    click_text(page, "Atvyko (i)")
    wait_for_text(page, "✓ Atvyko")
    assert library.booking.lookup("ATVYKA").status == "checked_in"

    # A booking made by another process (the CLI) shows up without a reload.
    slots = json.loads(
        served.cli("slots", "--topic", "e-banking", "--date", "2026-11-24", "--days", "1").stdout
    )
    booked = served.cli(
        "book", "--topic", "e-banking", "--start", slots[-1]["start"], "--name", "Kazimiera"
    )
    assert booked.returncode == 0, booked.stderr
    wait_for_text(page, json.loads(booked.stdout)["code"], timeout_ms=10_000)
    wait_for_text(page, "Kazimiera")

    # Results: the CSV comes down as the browser's download.
    click_text(page, "Rezultatai")
    with page.expect_download() as download_info:
        # CSV is the export row's first button: click on its word, not on the row's label.
        wait_for_text(page, "Eksportuoti:  CSV")
        y, row = next((y, r) for y, r in enumerate(screen(page)) if "Eksportuoti:  CSV" in r)
        click_cell(page, row.index("Eksportuoti:  CSV") + len("Eksportuoti:  C"), y)
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))  # as a Lithuanian spreadsheet
    assert rows[0] == ["Skyrius", "Raktas", "Pavadinimas", "Skaičius", "Procentai"]
    assert len(rows) > 1


def test_wrong_pins_lock_out_that_client_only(
    browser: Any, serve: Callable[..., Served], library: Services
) -> None:
    # Behind a reverse proxy (named by its address: here the test's own browser on
    # 127.0.0.1 plays it), the client is who the proxy says it was.
    served = serve("--behind-proxy", "127.0.0.1")
    guesser = open_page(browser, served.url, extra_http_headers={"X-Forwarded-For": "192.0.2.10"})
    click_text(guesser, "Įveskite PIN")
    for left in (4, 3, 2, 1):
        type_keys(guesser, WRONG)
        guesser.keyboard.press("Enter")
        wait_for_text(guesser, f"Liko bandymų: {left}.")
    type_keys(guesser, WRONG)
    guesser.keyboard.press("Enter")
    wait_for_text(guesser, "Per daug neteisingų bandymų")

    desk = open_page(browser, served.url, extra_http_headers={"X-Forwarded-For": "192.0.2.20"})
    log_in(desk)

    with library.store.snapshot() as tx:
        places = {str(doc.get("place")): doc for doc in tx.find("auth", key="lockout")}
    assert places["web:192.0.2.10"]["failures"] == 5
    assert places["web:192.0.2.20"]["failures"] == 0  # the desk: only its right PIN, remembered


def test_a_quiet_session_logs_out_and_a_full_server_says_so(
    browser: Any, serve: Callable[..., Served], library: Services
) -> None:
    settings = library.booking.settings()
    # The shortest idle time a library may set (a session's process refuses a data file
    # holding less, as every start does).
    idle, _ = SETTING_RANGES["librarian_idle_seconds"]
    library.catalog.save_settings(
        replace(settings, librarian_idle_seconds=idle, web_max_sessions=1)
    )
    served = serve()
    page = open_page(browser, served.url)
    log_in(page)
    # The idle time in Settings: back to the PIN prompt, in the same tab.
    wait_for_text(page, "Įveskite PIN kodą.", timeout_ms=(idle + 30) * 1000)
    # One session is the most here: a second tab is told so, and gets no process.
    second = open_page(browser, served.url)
    assert "Too many sessions" in second.content()
