"""The E-scouts tab's certificate: the period (last month unless typed), the full name it
carries (or a word that it is missing), a one-page PDF among the exports."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pypdfium2 as pdfium
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from kiosk.domain.activity import ActivityDraft
from kiosk.services import Services
from tests.conftest import set_pin
from tests.ui.conftest import SMALL, click, login, make_console, settle, text_of, wait_until


async def _open_scouts(pilot: Pilot[Any], scout: str) -> None:
    await settle(pilot)
    await login(pilot)
    await pilot.press("f3")
    await settle(pilot)
    table = pilot.app.screen.query_one("#scouts-table", DataTable)
    table.move_cursor(row=table.get_row_index(scout))
    await settle(pilot)


def _pdf_text(data: bytes) -> tuple[int, str]:
    pdf = pdfium.PdfDocument(data)
    return len(pdf), pdf[0].get_textpage().get_text_range().replace("\xa0", " ")


async def test_the_console_makes_a_certificate_with_the_full_name(demo: Services) -> None:
    set_pin(demo)
    demo.activity.record(
        ActivityDraft(date(2026, 10, 14), "lukas", 225, ["safety"], "65_74", "solved")
    )
    app = make_console(demo)
    async with app.run_test(size=SMALL) as pilot:
        await _open_scouts(pilot, "lukas")
        await click(pilot, "#scouts-cert")
        # No full name yet: the dialog says the certificate will carry the display name.
        assert "Lukas P." in text_of(app, "#cert-form-name")
        assert "Redaguoti" in text_of(app, "#cert-form-name")
        # Last month by default (the tests' today is 24 November 2026).
        assert app.screen.query_one("#cert-from", Input).value == "2026-10-01"
        assert app.screen.query_one("#cert-to", Input).value == "2026-10-31"
        await click(pilot, "#cert-form-cancel")

        # The full name, set in the e-scout's edit form.
        await click(pilot, "#scouts-edit")
        app.screen.query_one("#scout-full-name", Input).value = "Lukas Petrauskas"
        await click(pilot, "#scout-form-save")
        await wait_until(pilot, lambda: demo.booking.scout("lukas").full_name == "Lukas Petrauskas")
        await settle(pilot)

        await click(pilot, "#scouts-cert")
        assert "Lukas Petrauskas" in text_of(app, "#cert-form-name")
        app.screen.query_one("#cert-to", Input).value = "2026-09-01"  # before "from": refused
        await click(pilot, "#cert-form-save")
        assert text_of(app, "#cert-form-message")
        app.screen.query_one("#cert-to", Input).value = "2026-10-31"
        await click(pilot, "#cert-form-save")
        await wait_until(pilot, lambda: "certificate-lukas-" in text_of(app, "#scouts-message"))
        message = text_of(app, "#scouts-message")

    files = sorted((demo.data_dir / "exports").glob("certificate-lukas-20261001-20261031-*.pdf"))
    assert len(files) == 1 and str(files[0]) in message
    assert files[0].stat().st_mode & 0o077 == 0  # private: it names a minor
    pages, text = _pdf_text(files[0].read_bytes())
    assert pages == 1
    assert "Lukas Petrauskas" in text and "Lukas P." not in text
    assert "3 val. 45 min." in text
    assert "2026 m. spalio 1 d. – 2026 m. spalio 31 d." in text


async def test_the_certificate_says_when_the_full_name_is_missing(demo: Services) -> None:
    """The display name stands in; the PDF is made all the same."""
    set_pin(demo)
    scout = demo.booking.scout("ieva")
    demo.catalog.save_scout(replace(scout, full_name=""))
    app = make_console(demo)
    async with app.run_test(size=SMALL) as pilot:
        await _open_scouts(pilot, "ieva")
        await click(pilot, "#scouts-cert")
        assert "Ieva K." in text_of(app, "#cert-form-name")
        await click(pilot, "#cert-form-save")
        await wait_until(pilot, lambda: "certificate-ieva-" in text_of(app, "#scouts-message"))
    (path,) = (demo.data_dir / "exports").glob("certificate-ieva-*.pdf")
    pages, text = _pdf_text(path.read_bytes())
    assert pages == 1 and "Ieva K." in text
