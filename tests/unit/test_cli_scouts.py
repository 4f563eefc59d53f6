"""The e-scouts' commands: scout-card, scout-pin, scout-hours."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from kiosk.domain.activity import ActivityDraft
from kiosk.services import build_services
from tests.conftest import NOW
from tests.unit.conftest import Cli


@pytest.fixture
def cli(cli: Cli) -> Cli:
    """The command line on the demo library."""
    assert cli("seed-demo")[0] == 0
    return cli


def _services(tmp_path: Path):  # type: ignore[no-untyped-def]
    from kiosk.domain.clock import FixedClock

    return build_services(tmp_path / "cli-data", FixedClock(NOW))


def test_card_svg_and_pdf_then_reissue_and_revoke(cli, tmp_path: Path) -> None:
    svg, pdf = tmp_path / "card.svg", tmp_path / "card.pdf"
    rc, out, err = cli("scout-card", "lukas", "--svg", str(svg), "--pdf", str(pdf))
    assert rc == 0, err
    assert out == {"scout": "lukas", "card": True, "svg": str(svg), "pdf": str(pdf)}
    assert "<svg" in svg.read_text() and "Lukas P." in svg.read_text()
    assert pdf.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(os.stat(svg).st_mode) == 0o600
    assert "token" not in out  # the token is on the card alone
    assert _services(tmp_path).scout_access.has_card("lukas")
    rc, _, err = cli("scout-card", "lukas", "--svg", str(svg))
    assert rc == 2 and "--reissue" in err
    assert cli("scout-card", "lukas", "--svg", str(svg), "--reissue")[0] == 0
    rc, out, _ = cli("scout-card", "lukas", "--revoke")
    assert rc == 0 and out == {"scout": "lukas", "card": False}
    assert not _services(tmp_path).scout_access.has_card("lukas")


def test_card_refuses_symlinks_unknown_scouts_and_no_file(cli, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.svg"
    link = tmp_path / "card.svg"
    link.symlink_to(target)
    rc, _, err = cli("scout-card", "lukas", "--svg", str(link))
    assert rc == 2 and "symbolic link" in err and not target.exists()
    assert not _services(tmp_path).scout_access.has_card("lukas")  # nothing was issued
    rc, _, err = cli("scout-card", "nobody", "--svg", str(tmp_path / "x.svg"))
    assert rc == 2 and "nobody" in err and not (tmp_path / "x.svg").exists()
    assert cli("scout-card", "lukas")[0] == 2
    assert cli("scout-card", "nobody", "--revoke")[0] == 2


def test_scout_pin_twice_from_stdin(cli, tmp_path: Path) -> None:
    rc, out, _ = cli("scout-pin", "lukas", stdin="13579\n13579\n")
    assert rc == 0 and out == {"scout": "lukas", "pin_set": True}
    rc, _, err = cli("scout-pin", "lukas", stdin="13579\n97531\n")
    assert rc == 2 and "differ" in err
    rc, _, err = cli("scout-pin", "lukas", stdin="12\n12\n")
    assert rc == 2 and "4 to 12 digits" in err
    access = _services(tmp_path).scout_access
    card = access.issue_card("lukas")
    assert access.sign_in(card, "13579", place="kiosk").ok
    assert "13579" not in (tmp_path / "cli-data" / "kiosk.json").read_text()


def test_scout_pin_is_never_an_argument(cli) -> None:
    rc, _, err = cli("scout-pin", "lukas", "13579")
    assert rc == 2 and "unrecognized" in err


def test_scout_hours_json_and_certificate(cli, tmp_path: Path) -> None:
    services = _services(tmp_path)
    for day, minutes in (("2026-11-03", 30), ("2026-11-10", 60)):
        services.activity.record(
            ActivityDraft(
                date=date.fromisoformat(day),
                scout="lukas",
                minutes=minutes,
                topics=["e-banking"],
                age_group="65_74",
                outcome="solved",
            )
        )
    rc, out, _ = cli("scout-hours", "lukas", "--from", "2026-11-01", "--to", "2026-11-30")
    assert rc == 0
    assert out == {
        "scout": "lukas",
        "name": "Lukas P.",
        "from": "2026-11-01",
        "to": "2026-11-30",
        "consultations": 2,
        "minutes": 90,
        "hours": 1.5,
        "by_topic": {"e-banking": 2},
    }
    pdf = tmp_path / "cert.pdf"
    rc, out, _ = cli(
        "scout-hours", "lukas", "--from", "2026-11-01", "--to", "2026-11-30", "--pdf", str(pdf)
    )
    assert rc == 0 and out["pdf"] == str(pdf)  # type: ignore[index]
    assert pdf.read_bytes().startswith(b"%PDF") and stat.S_IMODE(os.stat(pdf).st_mode) == 0o600
    rc, _, err = cli("scout-hours", "lukas", "--from", "2026-11-30", "--to", "2026-11-01")
    assert rc == 2 and "before" in err
