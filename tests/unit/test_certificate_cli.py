"""The full name for certificates from the command line: set, shown to the librarian's
``kiosk scouts``, carried by the certificate, removed with ''."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.unit.conftest import Cli


@pytest.fixture
def cli(cli: Cli) -> Cli:
    assert cli("seed-demo")[0] == 0
    return cli


def _pdf_text(path: Path) -> tuple[int, str]:
    pdf = pdfium.PdfDocument(path.read_bytes())
    return len(pdf), pdf[0].get_textpage().get_text_range()


def test_full_name_by_cli_is_on_the_certificate(cli: Cli, tmp_path: Path) -> None:
    rc, out, err = cli("scouts", "edit", "lukas", "--full-name", " Lukas  Petrauskas ")
    assert rc == 0, err
    assert isinstance(out, dict) and out["full_name"] == "Lukas Petrauskas"
    assert out["name"] == "Lukas P."  # the display name stays what visitors see
    pdf = tmp_path / "cert.pdf"
    period = ("--from", "2026-11-01", "--to", "2026-11-30")
    assert cli("scout-hours", "lukas", *period, "--pdf", str(pdf))[0] == 0
    pages, text = _pdf_text(pdf)
    assert pages == 1 and "Lukas Petrauskas" in text

    assert cli("scouts", "edit", "lukas", "--full-name", "")[0] == 0
    assert cli("scout-hours", "lukas", *period, "--pdf", str(pdf))[0] == 0
    assert "Lukas P." in _pdf_text(pdf)[1]


def test_a_new_scout_with_a_full_name_and_a_too_long_one(cli: Cli) -> None:
    rc, out, _ = cli("scouts", "add", "--name", "Rūta B.", "--full-name", "Rūta Balčiūnaitė")
    assert rc == 0 and isinstance(out, dict) and out["full_name"] == "Rūta Balčiūnaitė"
    rc, out, err = cli("scouts", "edit", "lukas", "--full-name", "L" * 81)
    assert rc == 2 and out is None
    assert err.count("\n") == 1 and "80" in err
