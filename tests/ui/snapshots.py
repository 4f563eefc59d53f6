"""Snapshots of many screens from one app run.

Starting an app and tapping through to a screen costs far more than taking its picture, so a
flow test runs the app once and compares every screen it reaches with that screen's own
stored SVG: the same file format and normalisation as pytest-textual-snapshot's
``snap_compare`` (``pytest --snapshot-update`` redraws them; look at them before committing).
The files are named ``<test>[<params>][<screen>].svg``.

A flow that needs a fresh start for its next screen calls ``Library.reset()``: the data file
goes back to what it held when the test began (the same seeded library, the same codes and
tokens), and ``app.return_to_welcome()`` takes the visitor home.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from pytest_textual_snapshot import SVGImageExtension
from syrupy.assertion import SnapshotAssertion
from textual.pilot import Pilot
from textual.widgets import Input

from db.storage import write_json_atomic
from kiosk.services import Services
from tests.ui.conftest import settle


class Screens:
    """Compares each named screen of one app run with its stored picture."""

    def __init__(self, snapshot: SnapshotAssertion) -> None:
        self._snapshot = snapshot.use_extension(SVGImageExtension)
        self.taken: list[str] = []
        self.unlike: list[str] = []

    async def check(self, pilot: Pilot[Any], name: str) -> None:
        """Let the screen settle (no cursor blink, no animation), then compare its picture."""
        app = pilot.app
        await settle(pilot)
        for field in app.screen.query(Input):
            field.cursor_blink = False
        # What textual's own screenshot helper waits for before it exports.
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        svg = app.export_screenshot(title=app.title, simplify=True)
        assert name not in self.taken, f"two screens named {name!r}"
        self.taken.append(name)
        alike = self._snapshot(name=name) == svg  # syrupy records (or writes) it here
        if not alike:
            self.unlike.append(name)

    def assert_all_alike(self) -> None:
        """Every screen is compared (and, under --snapshot-update, written) before this fails."""
        assert self.taken, "the flow took no picture"
        assert not self.unlike, (
            f"unlike their snapshots: {', '.join(self.unlike)} "
            "(pytest --snapshot-update redraws them; look at them before committing)"
        )


class Library:
    """The data file as the test set it up, to go back to between the parts of a flow."""

    def __init__(self, services: Services, on_reset: Callable[[], None] | None = None) -> None:
        self.services = services
        self._path: Path = services.store.path
        self._saved = orjson.loads(self._path.read_bytes())
        self._on_reset = on_reset

    def reset(self) -> None:
        # A new file by rename: the store sees another inode and drops its parsed copy.
        write_json_atomic(self._path, self._saved)
        if self._on_reset is not None:
            self._on_reset()
