"""``kiosk fitcheck``'s refusals: one line and exit 2, before any app runs.

The walks themselves (an app run a size) are in tests/ui/test_fitcheck.py.
"""

from __future__ import annotations

import pytest

from kiosk.cli import main
from kiosk.fitcheck import ticket_pages_allowed


@pytest.mark.parametrize(
    "args",
    [
        ["--size", "80by24"],
        ["--size", "80x"],
        ["--size", "0x0"],
        ["--size", "5000x24"],
        ["--size", "80x24", "--size", "-3x9"],
        [],  # no size at all
        ["--size", "80x24", "--lang", "EN!"],
    ],
    ids=["words", "no-height", "zero", "huge", "second-bad", "none", "bad-lang"],
)
def test_a_bad_size_or_language_is_one_line_and_exit_2(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["fitcheck", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("kiosk: ") and "Traceback" not in err


def test_a_language_without_catalogues_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fitcheck", "--size", "80x24", "--lang", "de"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    assert "'de'" in err and "lt" in err  # names the languages there are


@pytest.mark.parametrize(
    ("size", "pages"),
    [((80, 20), 1), ((120, 40), 1), ((79, 24), 2), ((80, 19), 2), ((60, 14), 2)],
)
def test_the_ticket_is_one_page_from_80x20_up(size: tuple[int, int], pages: int) -> None:
    assert ticket_pages_allowed(size) == pages
