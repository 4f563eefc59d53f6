"""Retention: names and phones vanish exactly retention_days after the consultation."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.cli import main
from kiosk.domain.clock import TZ
from kiosk.domain.models import BookingStatus
from kiosk.results.reports import compute_results
from kiosk.services import Services
from tests.conftest import put_booking


def test_names_vanish_exactly_after_the_configured_days(demo: Services) -> None:
    settings = demo.catalog.settings()
    settings.retention_days = 10
    demo.catalog.save_settings(settings)
    start = datetime(2026, 11, 24, 15, 0, tzinfo=TZ)  # ends 15:30
    put_booking(
        demo,
        code="KEEP01",
        start=start,
        name="Ona",
        phone="+37061234567",
        status=BookingStatus.DONE,
    )
    put_booking(
        demo,
        code="LATER1",
        start=start + timedelta(days=1),
        name="Jonas",
        status=BookingStatus.NO_SHOW,
    )
    due = datetime(2026, 12, 4, 15, 30, tzinfo=TZ)  # end + 10 days

    demo.clock.current = due - timedelta(minutes=1)  # type: ignore[attr-defined]
    assert demo.retention.purge().count == 0
    assert demo.booking.lookup("KEEP01").name == "Ona"

    demo.clock.current = due  # type: ignore[attr-defined]
    result = demo.retention.purge()
    assert [e.code for e in result.erased] == ["KEEP01"]
    kept = demo.booking.lookup("KEEP01")
    assert (kept.name, kept.phone, kept.erased_at) == ("", None, due.isoformat())
    assert kept.status == "done" and kept.topic == "e-banking"  # the anonymous record stays
    assert demo.booking.lookup("LATER1").name == "Jonas"
    assert demo.retention.purge().count == 0  # nothing twice

    res = compute_results(
        demo.booking, demo.activity, start.date(), start.date() + timedelta(days=1)
    )
    assert res.bookings == 2 and {r.key: r.count for r in res.by_status}["done"] == 1

    log = demo.retention.log()
    assert len(log) == 1 and log[0].erased[0].code == "KEEP01"


def test_cli_purge_reports_what_was_erased(demo: Services, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import json

    put_booking(demo, code="OLD001", start=datetime(2026, 9, 1, 10, 0, tzinfo=TZ), name="Ona")
    monkeypatch.setenv("KIOSK_NOW", "2026-11-24T09:00:00+02:00")
    assert main(["--data-dir", str(demo.data_dir), "purge"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["erased_count"] == 1 and out["erased"][0]["code"] == "OLD001"
    assert "Ona" not in json.dumps(out)
    assert demo.booking.lookup("OLD001").name == ""


def test_purge_archives_old_closed_bookings_after_erasing_them(demo: Services) -> None:
    old = datetime(2026, 9, 1, 10, 0, tzinfo=TZ)
    put_booking(demo, code="OLD002", start=old, name="Ona", status=BookingStatus.DONE)
    put_booking(demo, code="OPEN01", start=old, name="Jonas", status=BookingStatus.BOOKED)
    result = demo.retention.purge()
    assert result.archived == 1 and result.to_dict()["archived_count"] == 1
    assert [m for m in demo.store.archived_months()] == ["2026-09"]
    with demo.store.snapshot() as tx:
        hot_codes = {d["code"] for d in tx.all("bookings")}
    assert "OLD002" not in hot_codes and "OPEN01" in hot_codes  # open bookings never move
    archived = demo.booking.lookup("OLD002")
    assert (archived.name, archived.status) == ("", "done")  # anonymous before it moved
    res = compute_results(demo.booking, demo.activity, old.date(), old.date())
    assert res.bookings == 2
    assert demo.retention.purge().archived == 0  # nothing moves twice


def test_a_copy_ending_at_the_calendars_end_is_kept_not_a_crash() -> None:
    """A backup from before dates were checked may hold a booking ending 9999-12-31: its
    due day lies past the last date Python can hold, so it is not due (purge went on)."""
    from kiosk.domain.retention import erase_due

    now = datetime(2026, 11, 24, 9, 0, tzinfo=TZ)
    far = {"name": "Ona", "phone": None, "end": "9999-12-31T10:00:00+02:00"}
    assert erase_due(far, now, retention_days=30) is None
    past = {**far, "end": (now - timedelta(days=40)).isoformat()}
    erased = erase_due(past, now, retention_days=30)
    assert erased is not None and erased["name"] == ""
