"""Subprocess used by the race tests: one real ``kiosk`` CLI command, held at a start gate.

``gated_cli.py GATE_DIR NAME CLI_ARGS...`` runs ``kiosk.cli.main(CLI_ARGS)`` unchanged,
except that ``BookingService.book`` first touches ``GATE_DIR/NAME.ready`` and then waits
for EOF on stdin. Every racer's stdin is the read end of one pipe the parent holds open:
when the parent closes the write end, all of them wake at once. Each racer records when it
entered and left ``book()`` (``time.monotonic_ns``, one clock for every process on the
machine) in ``GATE_DIR/NAME.times``, so the test can prove the calls overlapped.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from kiosk import cli
from kiosk.domain.booking import BookingService


def main() -> None:
    gate_dir, name, argv = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
    real_book = BookingService.book

    def gated_book(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        (gate_dir / f"{name}.ready").touch()
        while os.read(0, 1):  # blocks until the parent closes the gate (EOF)
            pass
        entered = time.monotonic_ns()
        try:
            return real_book(self, *args, **kwargs)
        finally:
            left = time.monotonic_ns()
            (gate_dir / f"{name}.times").write_text(json.dumps([entered, left]))

    BookingService.book = gated_book  # type: ignore[method-assign]
    sys.exit(cli.main(argv))


if __name__ == "__main__":
    main()
