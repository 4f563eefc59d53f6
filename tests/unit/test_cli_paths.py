"""Files the CLI writes on request, and what opening a data dir does to the folder.

Every writing option goes through one guard: a link, a device, a FIFO, a folder, a path
inside the data dir, an empty name or a folder that does not exist is refused with one
line and exit 2, and nothing is written or made. Opening a data dir changes no mode of a
folder the kiosk did not make and removes only the kiosk's own temp files.
"""

from __future__ import annotations

import argparse
import os
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from db import Store
from db.storage import TEMP_PREFIX, temp_pattern, write_bytes_atomic
from kiosk.cli import build_parser, main
from kiosk.cli.common import SHOWN
from kiosk.demo import seed_demo
from kiosk.domain.clock import FixedClock
from kiosk.services import build_services
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]
PERIOD = ["--from", "2026-11-01", "--to", "2026-11-30"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A demo data dir with bookings, and one booking's code (every case is refused)."""
    data = tmp_path_factory.mktemp("paths") / "data"
    services = build_services(data, FixedClock(NOW))
    seed_demo(services.store, services.clock)
    code = services.booking.bookings()[0].code
    return data, code


# (command path, option) -> argv before the option's value. DATA stands for the data dir.
DATA = "{data}"
CODE = "{code}"
WRITERS: dict[tuple[str, str], list[str]] = {
    ("export", "--out"): ["export", *PERIOD],
    ("export months", "--out"): ["export", *PERIOD, "--format", "months", "--as", "xlsx"],
    ("export results", "--out"): ["export", "--format", "results"],
    ("ticket", "--svg"): ["ticket", CODE],
    ("ticket", "--pdf"): ["ticket", CODE],
    ("scout-card", "--svg"): ["scout-card", "lukas", "--reissue"],
    ("scout-card", "--pdf"): ["scout-card", "lukas", "--reissue"],
    ("scout-hours", "--pdf"): ["scout-hours", "lukas", *PERIOD],
    ("poster", "--pdf"): ["poster"],
    ("results merge", "--out"): ["results", "merge", "in.parquet"],
    ("results report", "--out"): ["results", "report", "programme.duckdb"],
}


def _make_device(folder: Path) -> Path:
    """A character device like /dev/null in ``folder`` (root), else /dev/null itself,
    which an unprivileged user cannot replace even if the guard failed."""
    if os.geteuid() == 0:
        device = folder / "null"
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
        return device
    return Path("/dev/null")


# Each hostile target: (how it is made in a folder, the message's words).
Target = Callable[[Path, Path], str]


def _symlink(folder: Path, data: Path) -> str:
    (folder / "real.csv").write_text("keep")
    (folder / "link").symlink_to(folder / "real.csv")
    return str(folder / "link")


def _dangling(folder: Path, data: Path) -> str:
    (folder / "dangling").symlink_to(folder / "nowhere.csv")
    return str(folder / "dangling")


def _device(folder: Path, data: Path) -> str:
    return str(_make_device(folder))


def _device_link(folder: Path, data: Path) -> str:
    (folder / "devlink").symlink_to(_make_device(folder))
    return str(folder / "devlink")


def _fifo(folder: Path, data: Path) -> str:
    os.mkfifo(folder / "fifo")
    return str(folder / "fifo")


def _folder(folder: Path, data: Path) -> str:
    (folder / "sub").mkdir()
    return str(folder / "sub")


def _data_file(folder: Path, data: Path) -> str:
    return str(data / "kiosk.json")


def _in_data_dir(folder: Path, data: Path) -> str:
    return str(data / "backups" / "x.out")


def _data_dir_by_link(folder: Path, data: Path) -> str:
    (folder / "via").symlink_to(data)
    return str(folder / "via" / "x.out")


def _empty(folder: Path, data: Path) -> str:
    return ""


def _no_folder(folder: Path, data: Path) -> str:
    return str(folder / "made" / "deeper" / "x.out")


TARGETS: dict[str, tuple[Target, str]] = {
    "symlink": (_symlink, "symbolic link"),
    "dangling symlink": (_dangling, "symbolic link"),
    "device": (_device, "device"),
    "link to a device": (_device_link, "symbolic link"),
    "fifo": (_fifo, "FIFO"),
    "folder": (_folder, "is a folder"),
    "the data file": (_data_file, "inside the data dir"),
    "inside the data dir": (_in_data_dir, "inside the data dir"),
    "the data dir by a link": (_data_dir_by_link, "inside the data dir"),
    "empty": (_empty, "is empty"),
    "missing folder": (_no_folder, "folder does not exist"),
}


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    """Every entry under ``folder`` (not following links): its mode and size."""
    found = {}
    for path in sorted(folder.rglob("*")):
        st = path.lstat()
        found[str(path.relative_to(folder))] = (
            st.st_mode,
            0 if stat.S_ISDIR(st.st_mode) else st.st_size,
        )
    return found


@pytest.fixture
def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., tuple[int, str, str]]]:
    def go(*args: str) -> tuple[int, str, str]:
        rc = main(list(args))
        out, err = capsys.readouterr()
        return rc, out, err

    yield go


@pytest.mark.parametrize("target", list(TARGETS), ids=list(TARGETS))
@pytest.mark.parametrize("writer", list(WRITERS), ids=[" ".join(w) for w in WRITERS])
def test_every_writer_refuses_every_hostile_target(
    seeded: tuple[Path, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run: Callable[..., tuple[int, str, str]],
    writer: tuple[str, str],
    target: str,
) -> None:
    data, code = seeded
    make, words = TARGETS[target]
    folder = tmp_path / "out"
    folder.mkdir()
    raw = make(folder, data)
    monkeypatch.chdir(tmp_path)
    before_data = _snapshot(data)
    before_file = (data / "kiosk.json").read_bytes()
    before_out = _snapshot(folder)
    argv = [code if a == CODE else a for a in WRITERS[writer]]
    rc, out, err = run("--data-dir", str(data), *argv, writer[1], raw)
    assert rc == 2, err
    assert err.startswith("kiosk: ") and err.count("\n") == 1 and words in err
    assert out == ""  # an empty --out is no licence to write to stdout
    # Nothing written, replaced or made: the target, its folder and the data dir as they were.
    assert _snapshot(folder) == before_out
    assert _snapshot(data) == before_data
    assert (data / "kiosk.json").read_bytes() == before_file
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def _writing_options(parser: argparse.ArgumentParser, path: str = "") -> set[tuple[str, str]]:
    """(command path, option) for every option that names a file to write."""
    found: set[tuple[str, str]] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found |= _writing_options(sub, f"{path} {name}".strip())
        elif set(action.option_strings) & {"--out", "--svg", "--pdf", "--png"}:
            found.add((path, action.option_strings[0]))
    return found


def test_the_cases_above_cover_every_option_that_writes_a_file() -> None:
    # A new --out/--pdf/--svg/--png appears here first and must join WRITERS (and the guard).
    covered = {
        (command.split()[0] if command.startswith("export") else command, option)
        for command, option in WRITERS
    }
    assert _writing_options(build_parser()) == covered


def test_a_good_target_is_still_written_privately(
    seeded: tuple[Path, str], tmp_path: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    data, _ = seeded
    out = tmp_path / "report.csv"
    out.write_text("old")
    rc, _, err = run("--data-dir", str(data), "export", *PERIOD, "--out", str(out))
    assert rc == 0, err
    assert (
        out.read_bytes().startswith(b"\xef\xbb\xbf") and stat.S_IMODE(out.stat().st_mode) == 0o600
    )
    assert not list(tmp_path.glob(f"{TEMP_PREFIX}*"))


def test_results_report_never_writes_over_its_own_database(
    tmp_path: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    db = tmp_path / "programme.duckdb"
    db.write_bytes(b"the programme's database")
    rc, _, err = run("results", "report", str(db), "--out", str(db))
    assert rc == 2 and "the file this command reads" in err
    assert db.read_bytes() == b"the programme's database"


# -- what a message echoes --------------------------------------------------------------


LONG = "/tmp/" + "a" * 10_000


@pytest.mark.parametrize(
    "args",
    [
        ["restore", LONG],
        ["results", "report", LONG],
        ["export", *PERIOD, "--out", LONG],
        ["export", *PERIOD, "--out", "/tmp/" + "a/" * 5_000 + "x.csv"],
        ["ticket", "ACDEFG", "--pdf", LONG],
    ],
    ids=["restore", "results report", "export --out", "export --out, deep", "ticket --pdf"],
)
def test_a_path_too_long_is_bad_input_echoed_cut_short(
    seeded: tuple[Path, str], run: Callable[..., tuple[int, str, str]], args: list[str]
) -> None:
    data, _ = seeded
    rc, _, err = run("--data-dir", str(data), *args)
    assert rc == 2, err
    assert err.count("\n") == 1 and "\u2026" in err
    assert len(err) < SHOWN + 80  # the path's first characters, not all 10,000
    assert "/tmp/" + "a" * (SHOWN - 5) in err or "/tmp/a/a/" in err


# -- stdout read by someone who stops ---------------------------------------------------


@pytest.mark.parametrize("command", ["topics", "bookings"])
def test_a_reader_gone_away_ends_the_command_quietly(
    seeded: tuple[Path, str], tmp_path: Path, command: str
) -> None:
    # The read end is closed before the process starts: its first write meets EPIPE, as in
    # ``kiosk bookings | head`` once head has its lines (no timing involved).
    data, _ = seeded
    read_end, write_end = os.pipe()
    os.close(read_end)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    env.update(PYTHONPATH=str(ROOT), KIOSK_NOW=NOW.isoformat())
    try:
        done = subprocess.run(
            [sys.executable, "-m", "kiosk", "--data-dir", str(data), command],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 141
    assert done.stderr == b""


# -- opening a data dir ------------------------------------------------------------------


def test_an_existing_folder_keeps_its_mode_and_sticky_bit(
    tmp_path: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    plain = tmp_path / "plain"
    plain.mkdir()
    plain.chmod(0o755)
    for folder in (shared, plain):
        rc, _, err = run("--data-dir", str(folder), "topics")
        assert rc == 0, err
        rc, _, err = run("--data-dir", str(folder), "backup")
        assert rc == 0, err
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    assert stat.S_IMODE(plain.stat().st_mode) == 0o755
    # What the kiosk makes itself is private whatever the umask.
    assert stat.S_IMODE((plain / "backups").stat().st_mode) == 0o700
    assert stat.S_IMODE((plain / "kiosk.json").stat().st_mode) == 0o600


def test_a_folder_the_kiosk_makes_is_private(
    tmp_path: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    rc, _, err = run("--data-dir", str(tmp_path / "new" / "data"), "topics")
    assert rc == 0, err
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "new" / "data").stat().st_mode) == 0o700


def test_opening_removes_only_the_kiosks_own_temp_files(
    tmp_path: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    data = tmp_path / "data"
    Store(data).open().backup()
    theirs = [
        data / "other.tmp",
        data / ".kiosk.json.abc.tmp",  # looks like ours, lacks the kiosk's prefix
        data / "backups" / "download.tmp",
        data / "archive" / ".x.json.tmp",
    ]
    ours = [
        data / f"{TEMP_PREFIX}kiosk.json.k1ll3d01.tmp",
        data / "backups" / f"{TEMP_PREFIX}kiosk-20261124T090000-000000001.json.abcdefgh.tmp",
        data / "backups" / "archive" / f"{TEMP_PREFIX}bookings-2026-03.json.abcdefgh.tmp",
        data / "archive" / f"{TEMP_PREFIX}bookings-2026-03.json.abcdefgh.tmp",
    ]
    for path in theirs + ours:
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"x")
    rc, _, err = run("--data-dir", str(data), "topics")  # a command that changes nothing
    assert rc == 0, err
    assert [p for p in theirs if not p.exists()] == []
    assert [p for p in ours if p.exists()] == []


def test_the_kiosks_temp_files_carry_its_prefix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def spy(src: str, dst: str) -> None:
        seen.append(Path(src).name)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    write_bytes_atomic(tmp_path / ("n" * 250), b"x")  # a name near the file system's limit
    write_bytes_atomic(tmp_path / "kiosk.json", b"{}")
    assert len(seen) == 2 and all(name.startswith(TEMP_PREFIX) for name in seen)
    assert Path(seen[1]).match(temp_pattern("kiosk.json"))


def test_a_lock_file_planted_as_a_link_is_not_followed(
    tmp_path: Path, run: Callable[..., tuple[int, str, str]]
) -> None:
    victim = tmp_path / "victim"
    victim.write_text("someone's file")
    victim.chmod(0o644)
    data = tmp_path / "data"
    data.mkdir()
    (data / "kiosk.lock").symlink_to(victim)
    rc, _, err = run("--data-dir", str(data), "topics")
    assert rc == 3 and "cannot use the data dir" in err
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644
    assert victim.read_text() == "someone's file"
