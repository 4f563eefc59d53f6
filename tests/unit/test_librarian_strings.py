"""The console's words live in the catalogues: no Lithuanian in the screens' source or
the report module's code, so the console and the exports speak English when asked."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LITHUANIAN = re.compile("[ąčęėįšųūžĄČĘĖĮŠŲŪŽ]")
SOURCES = sorted((ROOT / "screens" / "librarian").glob("*.py")) + [
    ROOT / "kiosk" / "results" / "reports.py",
    ROOT / "kiosk" / "results" / "tables.py",
]


def lithuanian_strings(path: Path) -> list[str]:
    """String constants with Lithuanian letters, docstrings aside (they are comments)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        f"{path.name}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and LITHUANIAN.search(node.value)
    ]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_lithuanian_words_outside_the_catalogues(path: Path) -> None:
    assert lithuanian_strings(path) == []


def test_the_check_finds_a_hard_coded_word(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('"""Ąžuolas."""\nLABEL = "Išspręsta"\n', encoding="utf-8")
    assert lithuanian_strings(sample) == ["sample.py:2: 'Išspręsta'"]


def test_a_refusal_names_the_booking_status_in_words() -> None:
    from kiosk.domain.errors import Conflict
    from kiosk.i18n import Translator
    from screens.librarian.common import refusal

    text = refusal(
        Translator("lt"), Conflict("not_a_consultation", "no consultation", status="no_show")
    )
    assert "no_show" not in text and "Neatvyko" in text
