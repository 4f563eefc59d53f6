"""The files in deploy/ agree with each other and with what the README promises.

Cheap checks only: nothing here installs or starts anything. The route a touch PC gets by
default, restarts for ever with a pause, no console switching, the printer groups and rule,
the scripts parse, and `systemd-analyze verify` when this machine has it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from configparser import ConfigParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
INSTALL = DEPLOY / "install.sh"
UNIT_FILES = sorted([*DEPLOY.glob("*.service"), *DEPLOY.glob("*.timer")])
PRINTER_RULES = DEPLOY / "60-escout-kiosk-printer.rules"
# Where the units expect the install (install.sh puts them there); absent on a dev machine.
INSTALLED_COMMANDS = ("/usr/bin/cage", "/opt/escout-kiosk/")


def _unit(path: Path) -> ConfigParser:
    """A unit file as sections of keys (systemd's syntax is close enough to INI here)."""
    parser = ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    # Continuation lines end in a backslash; configparser wants them joined.
    parser.read_string(path.read_text().replace("\\\n", " "))
    return parser


def _exec_start(path: Path) -> list[str]:
    return shlex.split(_unit(path)["Service"]["ExecStart"])


def _install_script() -> str:
    return INSTALL.read_text()


def _route_blocks() -> tuple[str, str]:
    """install.sh's (browser, terminal) branches of the route choice."""
    text = _install_script()
    found = re.search(r'if \[ "\$ROUTE" = browser \]; then\n(.*?)\nelse\n(.*?)\nfi\n', text, re.S)
    assert found, "install.sh: no if/else on $ROUTE"
    return found.group(1), found.group(2)


def _enabled(block: str, now: bool | None = None) -> set[str]:
    units: set[str] = set()
    for line in block.splitlines():
        words = line.split()
        if words[:2] != ["systemctl", "enable"]:
            continue
        if now is not None and ("--now" in words) != now:
            continue
        units |= {w for w in words[2:] if not w.startswith("-")}
    return units


def test_the_default_route_is_chromium_the_terminal_an_option() -> None:
    text = _install_script()
    assert re.search(r"^ROUTE=browser$", text, re.M)
    assert re.search(r"--terminal\) ROUTE=terminal", text)
    browser, terminal = _route_blocks()
    assert {"escout-kiosk-browser.service", "escout-kiosk-web-kiosk.service"} <= _enabled(browser)
    assert "escout-kiosk.service" not in _enabled(browser)
    assert _enabled(terminal) == {"escout-kiosk.service"}
    # Switching routes turns the other one off.
    assert "escout-kiosk.service" in browser and "disable" in browser
    assert "escout-kiosk-browser.service" in terminal and "disable" in terminal
    # Chromium comes with the default route; the policy file is installed.
    assert re.search(r'\[ "\$ROUTE" = browser \] && PACKAGES\+=\(chromium\)', text)
    assert "/etc/chromium/policies/managed/" in text


def test_the_browser_shows_the_loopback_kiosk_server_and_only_that() -> None:
    browser = _exec_start(DEPLOY / "escout-kiosk-browser.service")
    server = _exec_start(DEPLOY / "escout-kiosk-web-kiosk.service")
    assert "--kiosk" in browser and "--kiosk" in server and "serve" in server
    port = server[server.index("--port") + 1]
    assert server[server.index("--host") + 1] == "127.0.0.1"
    url = next(w for w in browser if w.startswith("http"))
    assert url.startswith(f"http://127.0.0.1:{port}/")
    policy = json.loads((DEPLOY / "chromium-kiosk-policy.json").read_text())
    assert policy["URLBlocklist"] == ["*"]
    assert policy["URLAllowlist"] == [f"http://127.0.0.1:{port}"]
    unit = _unit(DEPLOY / "escout-kiosk-browser.service")["Unit"]
    assert "escout-kiosk-web-kiosk.service" in unit["Wants"]


def test_no_unit_that_takes_tty1_is_started_by_the_installer() -> None:
    """`enable --now` of a screen unit would stop getty@tty1: the installer's own login."""
    takes_tty1 = {
        path.name
        for path in UNIT_FILES
        if "getty@tty1.service" in _unit(path)["Unit"].get("Conflicts", "")
    }
    assert takes_tty1 >= {"escout-kiosk.service", "escout-kiosk-browser.service"}
    started = _enabled(_install_script(), now=True)
    assert started and not started & takes_tty1
    commands = [line for line in _install_script().splitlines() if "echo" not in line]
    assert not [line for line in commands if re.search(r"systemctl (re)?start", line)]
    assert "reboot" in _install_script()


@pytest.mark.parametrize("path", sorted(DEPLOY.glob("*.service")), ids=lambda p: p.name)
def test_a_long_running_unit_restarts_for_ever_with_a_pause(path: Path) -> None:
    unit = _unit(path)
    if unit["Service"].get("Type") == "oneshot":
        assert "Restart" not in unit["Service"]
        return
    assert unit["Service"]["Restart"] == "always"
    assert 1 <= int(unit["Service"]["RestartSec"]) <= 10
    assert unit["Unit"]["StartLimitIntervalSec"] == "0"


@pytest.mark.parametrize("path", sorted(DEPLOY.glob("*.service")), ids=lambda p: p.name)
def test_cage_never_allows_console_switching(path: Path) -> None:
    words = _exec_start(path)
    if words[0] != "/usr/bin/cage":
        return
    own = words[1 : words.index("--")] if "--" in words else words[1:2]
    assert "-s" not in own, "cage -s lets Ctrl+Alt+Fn switch consoles"
    assert not any(re.fullmatch(r"-[a-z]*s[a-z]*", w) for w in own)


def test_the_kiosk_user_may_use_printers_and_the_rule_is_installed() -> None:
    text = _install_script()
    assert re.search(r"usermod --append --groups lp,dialout kiosk", text)
    assert re.search(r"useradd .*--groups lp,dialout kiosk", text)
    assert f"deploy/{PRINTER_RULES.name} /etc/udev/rules.d/" in text
    assert "udevadm control --reload-rules" in text


def test_the_printer_rule_reads_as_udev_rules() -> None:
    rules = [
        line
        for line in PRINTER_RULES.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert rules
    pair = re.compile(r'\s*([A-Z_]+(\{[A-Za-z_]+\})?)\s*(==|!=|=|\+=|-=|:=)\s*"([^"]*)"\s*')
    for line in rules:
        parts = line.split(",")
        found = [pair.fullmatch(part) for part in parts]
        assert all(found), f'not KEY op "value": {line}'
        matches = [m for m in found if m and m.group(3) in ("==", "!=")]
        assert matches, f"a rule that matches everything: {line}"
    printer = next(line for line in rules if "bInterfaceClass" in line or "0701" in line)
    assert 'GROUP="lp"' in printer and 'ENV{DEVTYPE}=="usb_device"' in printer


def test_the_nightly_copy_runs_after_the_purge_and_is_installed() -> None:
    def at(name: str) -> str:
        return _unit(DEPLOY / name)["Timer"]["OnCalendar"].split()[-1]

    assert at("escout-kiosk-purge.timer") < at("escout-kiosk-backup.timer")
    service = _unit(DEPLOY / "escout-kiosk-backup.service")["Service"]
    assert service["EnvironmentFile"] == "-/etc/escout-kiosk/backup.env"
    assert service["User"] == "kiosk"
    text = _install_script()
    assert "escout-kiosk-backup.timer" in text and "deploy/kiosk-backup.sh" in text
    assert "[ -e /etc/escout-kiosk/backup.env ] ||" in text  # the library's choice stays
    for path in UNIT_FILES:
        if path.suffix == ".timer":
            assert path.with_suffix(".service").exists()


@pytest.mark.parametrize("path", sorted(DEPLOY.glob("*.sh")), ids=lambda p: p.name)
def test_the_shell_scripts_parse(path: Path) -> None:
    shell = "bash" if "bash" in path.read_text().splitlines()[0] else "sh"
    result = subprocess.run([shell, "-n", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert os.access(path, os.X_OK)


def test_the_backup_job_does_nothing_without_a_target(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "KIOSK_BIN": "/nonexistent/kiosk"}
    result = subprocess.run(
        [str(DEPLOY / "kiosk-backup.sh")], env=env, capture_output=True, text=True
    )
    assert result.returncode == 0 and result.stdout.count("\n") == 1
    assert "BACKUP_TO" in result.stdout

    # A target that is not there (a stick not mounted): the kiosk's one-line refusal.
    kiosk = Path(sys.executable).with_name("kiosk")
    env |= {
        "KIOSK_BIN": str(kiosk),
        "KIOSK_DATA_DIR": str(tmp_path / "data"),
        "BACKUP_TO": str(tmp_path / "no-stick"),
        "BACKUP_KEEP": "5",
    }
    result = subprocess.run(
        [str(DEPLOY / "kiosk-backup.sh")], env=env, capture_output=True, text=True
    )
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "does not exist" in result.stderr


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze here")
def test_systemd_analyze_verify_finds_nothing_but_the_absent_install() -> None:
    result = subprocess.run(
        ["systemd-analyze", "verify", *map(str, UNIT_FILES)],
        capture_output=True,
        text=True,
        env={**os.environ, "SYSTEMD_LOG_COLOR": "0"},
    )
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if line.strip()
        and not (
            "is not executable: No such file or directory" in line
            and any(f"Command {c}" in line for c in INSTALLED_COMMANDS)
        )
    ]
    assert not problems, "\n".join(problems)


def test_the_messages_run_every_15_minutes_as_the_kiosk_user_and_are_installed() -> None:
    timer = _unit(DEPLOY / "escout-kiosk-remind.timer")["Timer"]
    assert timer["OnCalendar"] == "*:0/15" and timer["Persistent"] == "true"
    service = _unit(DEPLOY / "escout-kiosk-remind.service")["Service"]
    assert service["User"] == "kiosk" and service["Type"] == "oneshot"
    assert service["ExecStart"].endswith("/kiosk remind")
    assert service["ReadWritePaths"] == "/var/lib/escout-kiosk"
    assert "escout-kiosk-remind.timer" in _install_script()
