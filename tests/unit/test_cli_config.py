"""``kiosk config get|set``: the library's settings from the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.cli.config import TEXT_RULES, setting_keys
from kiosk.domain.models import SETTING_RANGES
from kiosk.programme.file import read_header


def _refused(result: tuple[int, object, str]) -> str:
    """The one stderr line of a refusal (exit 2, nothing on stdout)."""
    rc, out, err = result
    assert rc == 2 and out is None, result
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_library_id_set_on_the_command_line_names_the_results_file(cli, tmp_path: Path) -> None:
    assert cli("seed-demo")[0] == 0
    rc, out, err = cli("config", "set", "library_id", "LT-XYZ")
    assert (rc, out) == (0, {"library_id": "LT-XYZ"}), err
    rc, out, err = cli("config", "set", "municipality", "Kauno r. sav.")
    assert (rc, out) == (0, {"municipality": "Kauno r. sav."}), err
    target = tmp_path / "results.parquet"
    rc, out, err = cli("export", "--format", "results", "--out", str(target))
    assert rc == 0, err
    assert isinstance(out, dict) and out["library_id"] == "LT-XYZ"
    header = read_header(target)
    assert (header.library_id, header.municipality) == ("LT-XYZ", "Kauno r. sav.")


def test_get_shows_every_setting_or_one_value(cli) -> None:
    rc, everything, _ = cli("config", "get")
    assert rc == 0 and isinstance(everything, dict)
    assert list(everything) == setting_keys()
    assert "version" not in everything and "library_id" in everything
    assert cli("config", "get", "slot_minutes") == (0, 30, "")
    assert cli("config", "set", "slot_minutes", "45")[:2] == (0, {"slot_minutes": 45})
    assert cli("config", "get", "slot_minutes")[:2] == (0, 45)


def test_every_setting_has_a_rule() -> None:
    # A new setting must say how it is typed and checked before the command line offers it.
    assert all(key in SETTING_RANGES or key in TEXT_RULES for key in setting_keys())


def test_number_outside_its_range_is_refused_naming_key_and_range(cli) -> None:
    err = _refused(cli("config", "set", "slot_minutes", "5"))
    assert "slot_minutes" in err and "10 to 120" in err
    err = _refused(cli("config", "set", "printer_port", "seventy"))
    assert "printer_port" in err and "1 to 65535" in err
    assert cli("config", "get", "slot_minutes")[:2] == (0, 30)


@pytest.mark.parametrize(
    "command", [("get", "nope"), ("set", "nope", "1"), ("set", "version", "9")]
)
def test_unknown_key_is_refused_with_the_known_ones(cli, command: tuple[str, ...]) -> None:
    err = _refused(cli("config", *command))
    assert "unknown setting" in err
    assert all(key in err for key in setting_keys())  # the whole list, not cut short


def test_library_id_and_municipality_rules(cli) -> None:
    assert cli("config", "set", "library_id", " lt-kaun-2 ")[:2] == (0, {"library_id": "LT-KAUN-2"})
    for bad in ("LT XYZ", "LTXYZ", "LT-", "L-XYZ", "LT-XYZ;", "LT-" + "X" * 40):
        err = _refused(cli("config", "set", "library_id", bad))
        assert "library_id" in err and "LT-VAMB" in err
    assert cli("config", "get", "library_id")[:2] == (0, "LT-KAUN-2")
    assert cli("config", "set", "library_id", "")[:2] == (0, {"library_id": ""})  # unset again
    rc, out, _ = cli("config", "set", "municipality", "Vilniaus\x07  m.\tsav.")
    assert (rc, out) == (0, {"municipality": "Vilniaus m. sav."})
    for bad in ("<b>Vilnius</b>", "V" * 81):
        err = _refused(cli("config", "set", "municipality", bad))
        assert "municipality" in err and "80" in err


def test_the_library_phone_is_stored_as_dialled_from_abroad_and_can_be_unset(cli) -> None:
    assert cli("config", "set", "library_phone", "8 5 212 3456")[:2] == (
        0,
        {"library_phone": "+37052123456"},
    )
    for bad in ("12", "+370 5 21", "call us"):
        err = _refused(cli("config", "set", "library_phone", bad))
        assert "library_phone" in err and "+ code" in err
    assert cli("config", "get", "library_phone")[:2] == (0, "+37052123456")
    assert cli("config", "set", "library_phone", "")[:2] == (0, {"library_phone": ""})


def test_texts_lists_and_hours(cli) -> None:
    week = "09:00-17:00;09:00-17:00;;09:00-17:00;09:00-17:00;10:00-14:00;"
    rc, out, _ = cli("config", "set", "opening_hours", week)
    assert rc == 0 and isinstance(out, dict)
    assert [h["weekday"] for h in out["opening_hours"]] == [0, 1, 3, 4, 5]
    for bad in ("09:00-17:00", "17:00-09:00;;;;;;", "9-5;;;;;;"):
        err = _refused(cli("config", "set", "opening_hours", bad))
        assert "opening_hours" in err and "HH:MM-HH:MM" in err
    assert cli("config", "set", "languages", "LT, en")[:2] == (0, {"languages": ["lt", "en"]})
    assert "two-letter" in _refused(cli("config", "set", "languages", "lt,eng"))
    assert "library_name" in _refused(cli("config", "set", "library_name", "  "))


def test_printer_kind_needs_its_address_first(cli) -> None:
    err = _refused(cli("config", "set", "printer_kind", "network"))
    assert "printer_kind" in err and "printer host" in err
    assert "printer_kind" in _refused(cli("config", "set", "printer_kind", "fax"))
    assert "printer_host" in _refused(cli("config", "set", "printer_host", "a b"))
    assert cli("config", "set", "printer_host", "192.0.2.7")[0] == 0
    assert cli("config", "set", "printer_kind", "network")[:2] == (0, {"printer_kind": "network"})
    assert "printer_usb_vendor" in _refused(cli("config", "set", "printer_usb_vendor", "xyz"))
    assert cli("config", "set", "printer_usb_vendor", "04B8")[:2] == (
        0,
        {"printer_usb_vendor": "04b8"},
    )
