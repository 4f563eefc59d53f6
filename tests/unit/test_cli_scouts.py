"""The e-scouts' commands: scouts (add, edit), scout-card, scout-pin, scout-hours; and the
desk's done / no-show, which wait for the booking's time."""

from __future__ import annotations

import os
import stat
from datetime import date, timedelta
from pathlib import Path

import pytest

from kiosk.domain.activity import ActivityDraft
from kiosk.domain.errors import ErrorCode, ValidationError
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


def test_scouts_add_and_edit_set_the_first_day(cli, tmp_path: Path) -> None:
    rc, out, err = cli("scouts", "add", "--name", "Rūta B.", "--topic", "email")
    assert rc == 0, err
    assert out["id"] == "rūta" and out["first_day"] == NOW.date().isoformat()  # day of adding
    rc, out, err = cli("scouts", "add", "--name", "Jonas A.", "--first-day", "2026-09-01")
    assert rc == 0 and out["first_day"] == "2026-09-01", err
    rc, out, err = cli("scouts", "edit", "lukas", "--first-day", "2026-10-01")
    assert rc == 0 and out["first_day"] == "2026-10-01" and out["name"] == "Lukas P.", err
    listed = {s["id"]: s["first_day"] for s in cli("scouts")[1]}  # type: ignore[union-attr]
    assert listed["lukas"] == "2026-10-01" and listed["austeja"] is None  # demo's: unknown
    # The first day is what the activity form keeps to.
    services = _services(tmp_path)
    draft = ActivityDraft(
        date(2026, 9, 30), "lukas", 30, ["email"], age_group="65_74", outcome="solved"
    )
    with pytest.raises(ValidationError) as refused:
        services.activity.record(draft)
    assert refused.value.code == ErrorCode.FORM_DATE_BEFORE_FIRST_DAY
    rc, out, err = cli("scouts", "edit", "lukas", "--no-first-day")
    assert rc == 0 and out["first_day"] is None, err
    assert services.activity.record(draft).date == "2026-09-30"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("scouts", "edit", "lukas", "--first-day", "2026-13-01"), "not a date"),
        (("scouts", "add", "--name", "Ona", "--first-day", "soon"), "not a date"),
        (("scouts", "edit", "nobody", "--first-day", "2026-10-01"), "no e-scout 'nobody'"),
        (("scouts", "add", "--name", "Ona", "--topic", "knitting"), "no topic 'knitting'"),
        (("scouts", "edit", "lukas", "--first-day", "2026-10-01", "--no-first-day"), "not allowed"),
    ],
)
def test_scouts_add_and_edit_refuse_in_one_line(cli, args: tuple[str, ...], said: str) -> None:
    rc, out, err = cli(*args)
    assert rc == 2 and out is None
    assert err.count("\n") == 1 and said in err and "Traceback" not in err
    assert [s["id"] for s in cli("scouts")[1]].count("ona") == 0  # type: ignore[union-attr]


@pytest.mark.parametrize(("command", "word"), [("done", "done"), ("no-show", "no-show")])
def test_done_and_no_show_of_a_later_day_are_refused(cli, command: str, word: str) -> None:
    tomorrow = (NOW + timedelta(days=1)).date().isoformat()
    slot = cli("slots", "--topic", "email", "--date", tomorrow)[1][0]  # type: ignore[index]
    rc, booked, err = cli("book", "--topic", "email", "--start", slot["start"], "--name", "Ona")
    assert rc == 0, err
    rc, out, err = cli(command, booked["code"])  # type: ignore[index]
    assert rc == 2 and out is None and err.count("\n") == 1
    assert f"starts at {tomorrow} " in err and f"marked {word} before then" in err
    listed = cli("bookings", "--date", tomorrow)[1]
    assert [b["status"] for b in listed] == ["booked"]  # type: ignore[union-attr]
