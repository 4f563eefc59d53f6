"""Snapshots of the visitor's ticket: every size the kiosk meets, in Lithuanian and English.

Same fixed library, codes and tokens as ``test_visitor_snapshots``. From 80x20 up the ticket
is one screen (the kiosk's grids: 80x21, 91x23, 92x32); on the smallest grid (78x18) an
English ticket takes two pages, and the second page and the print button have their own.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

import tests.ui.test_visitor_snapshots as base
from kiosk.services import Services
from tests.ui.conftest import click, make_app

fixed = base.fixed  # the fixture: predictable codes and tokens, a still countdown

SIZES = [
    pytest.param((78, 18), id="78x18"),
    pytest.param((80, 21), id="80x21"),
    pytest.param((91, 23), id="91x23"),
    pytest.param((92, 32), id="92x32"),
    pytest.param((120, 40), id="120x40"),
]


def _ticket_in(lang: str) -> base.Steps:
    async def steps(pilot: Pilot) -> None:  # type: ignore[type-arg]
        await click(pilot, f"#lang-{lang}")
        await base.ticket(pilot)

    return steps


async def _page(pilot: Pilot, pages: int) -> None:  # type: ignore[type-arg]
    for _ in range(pages):
        await click(pilot, "#ticket-page-more")


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["lt", "en"])
def test_ticket(snap_compare, fixed: Services, lang: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(
        make_app(fixed), terminal_size=size, run_before=base._still(_ticket_in(lang))
    )


def test_ticket_second_page(snap_compare, fixed: Services) -> None:  # type: ignore[no-untyped-def]
    async def steps(pilot: Pilot) -> None:  # type: ignore[type-arg]
        await _ticket_in("en")(pilot)
        assert pilot.app.screen.page_count == 2  # type: ignore[attr-defined]
        await _page(pilot, 1)

    assert snap_compare(make_app(fixed), terminal_size=(78, 18), run_before=base._still(steps))


@pytest.mark.parametrize(
    "size",
    [
        pytest.param((78, 18), id="78x18"),
        pytest.param((91, 23), id="91x23"),
        pytest.param((120, 40), id="120x40"),
    ],
)
def test_ticket_with_a_receipt_printer(
    snap_compare, fixed: Services, size: tuple[int, int]
) -> None:  # type: ignore[no-untyped-def]
    settings = fixed.catalog.settings()
    settings.printer_kind = "network"
    settings.printer_host = "192.0.2.10"
    fixed.catalog.save_settings(settings)
    assert snap_compare(make_app(fixed), terminal_size=size, run_before=base._still(base.ticket))
