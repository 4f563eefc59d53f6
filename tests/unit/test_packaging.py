"""The installed wheel works on its own: the stylesheets and catalogues travel with it."""

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


def test_wheel_carries_stylesheet_catalogues_and_entry_point(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "kiosk/kiosk.tcss" in names
    for room in ("visitor/visitor.tcss", "scout/scout.tcss", "librarian/console.tcss"):
        assert f"screens/{room}" in names
    for lang in ("lt", "en"):
        for domain in ("visitor", "librarian"):
            assert f"kiosk/locales/{lang}/LC_MESSAGES/{domain}.po" in names
    assert any(n.startswith("screens/") for n in names)
    assert any(n.startswith("db/") for n in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "kiosk = kiosk.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_unpacked_wheel_finds_its_own_stylesheets(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path)
    code = (
        "import kiosk.app, kiosk.i18n as i;"
        "print(*kiosk.app.stylesheet_paths());"
        "print(i.Translator('en').t('v.welcome.book') != 'v.welcome.book')"
    )
    # -I: ignore the checkout on sys.path; only the unpacked wheel and installed deps.
    env_path = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", f"import sys; sys.path.insert(0, {env_path!r}); {code}"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    *found, translated = result.stdout.split()
    assert [Path(path) for path in found] == [
        tmp_path / "kiosk" / "kiosk.tcss",
        tmp_path / "screens" / "visitor" / "visitor.tcss",
        tmp_path / "screens" / "scout" / "scout.tcss",
        tmp_path / "screens" / "librarian" / "console.tcss",
    ]
    assert translated == "True"
