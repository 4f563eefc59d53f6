"""The installed wheel works on its own: the stylesheets, catalogues and demo travel with it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return next(out.glob("*.whl"))


def test_wheel_carries_stylesheet_catalogues_demo_and_entry_point(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kiosk/kiosk.tcss" in names
    for room in ("visitor/visitor.tcss", "scout/scout.tcss", "librarian/console.tcss"):
        assert f"screens/{room}" in names
    for lang in ("lt", "en"):
        for domain in ("visitor", "librarian"):
            assert f"kiosk/locales/{lang}/LC_MESSAGES/{domain}.po" in names
    for data in ("library", "topics", "places", "scouts", "bookings"):
        assert f"kiosk/demo/{data}.toml" in names
    assert any(n.startswith("screens/") for n in names)
    assert any(n.startswith("db/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "kiosk = kiosk.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def _run_unpacked(wheel: Path, folder: Path, code: str) -> list[str]:
    """Run ``code`` on the wheel unpacked in ``folder``; the words it printed."""
    zipfile.ZipFile(wheel).extractall(folder)
    # The unpacked wheel first on sys.path, run from its folder: not the checkout.
    env_path = str(folder)
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {env_path!r}); {code}"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=folder,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_unpacked_wheel_finds_its_own_stylesheets(wheel: Path, tmp_path: Path) -> None:
    code = (
        "import kiosk.app, kiosk.i18n as i;"
        "print(*kiosk.app.stylesheet_paths());"
        "print(i.Translator('en').t('v.welcome.book') != 'v.welcome.book')"
    )
    *found, translated = _run_unpacked(wheel, tmp_path, code)
    assert [Path(path) for path in found] == [
        tmp_path / "kiosk" / "kiosk.tcss",
        tmp_path / "screens" / "visitor" / "visitor.tcss",
        tmp_path / "screens" / "scout" / "scout.tcss",
        tmp_path / "screens" / "librarian" / "console.tcss",
    ]
    assert translated == "True"


def test_unpacked_wheel_reads_its_own_demo_library(wheel: Path, tmp_path: Path) -> None:
    code = "import kiosk.demo as d; print(d.__file__); print(len(d.load_demo().topics))"
    found, topics = _run_unpacked(wheel, tmp_path, code)
    assert Path(found).parent == tmp_path / "kiosk" / "demo"
    assert int(topics) == 14
