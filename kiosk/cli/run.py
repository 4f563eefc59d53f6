"""Starting up: the kiosk, the console, the browser server, the demo, and the console's PIN."""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import socket
import sys
from pathlib import Path

from kiosk.cli.common import Subcommands, add_command, emit
from kiosk.domain.errors import KioskError
from kiosk.services import Services


def cmd_run(services: Services, args: argparse.Namespace) -> int:
    from kiosk.app import run_app

    return run_app(services, mode="visitor")


def cmd_librarian(services: Services, args: argparse.Namespace) -> int:
    from kiosk.app import run_app

    return run_app(services, mode="librarian")


def cmd_serve(services: Services, args: argparse.Namespace) -> int:
    from kiosk.web.serve import ServeOptions, serve

    options = ServeOptions(
        data_dir=services.data_dir.resolve(),
        kiosk=args.kiosk,
        host=args.host,
        port=args.port,
        public_url=args.public_url,
        behind_proxy=args.behind_proxy,
        allow_hosts=args.allow_host,
        socket=args.socket,
    )
    return serve(options, lambda: services.booking.settings().web_max_sessions)


def cmd_demo(services: Services, args: argparse.Namespace) -> int:
    from kiosk.demo import seed_demo

    seed_demo(services.store, services.clock)
    return cmd_run(services, args)


def cmd_seed_demo(services: Services, args: argparse.Namespace) -> int:
    from kiosk.demo import seed_demo

    seeded = seed_demo(services.store, services.clock)
    emit({"seeded": seeded, "data_dir": str(services.data_dir)})
    return 0


def _console_place() -> str:
    """Where a PIN typed into this command comes from, for the per-place lock-out."""
    return f"cli:{socket.gethostname()}"


def _read_secret(prompt: str) -> str:
    """One secret: asked on a tty without echo, else one line of stdin (never argv)."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    return sys.stdin.readline().strip()


def cmd_set_pin(services: Services, args: argparse.Namespace) -> int:
    from kiosk.domain.auth import LIBRARIAN_MIN_DIGITS, check_new_pin, pin_refusal

    pins = services.auth
    if pins.is_set():
        if args.reset:
            answer = _read_secret("Replace the PIN without the current one? Type RESET: ")
            if answer.strip() != "RESET":
                raise KioskError("reset_not_confirmed", "reset not confirmed; nothing was changed")
        else:
            current = _read_secret("Current librarian PIN: ")
            result = pins.login(current, place=_console_place())
            if not result.ok:
                code = "pin_locked" if result.locked_until is not None else "pin_wrong"
                if result.no_pepper is not None:
                    code = "pin_no_pepper"
                raise KioskError(code, pin_refusal(result) + "; nothing was changed")
    if sys.stdin.isatty():
        pin = getpass.getpass(f"New librarian PIN ({LIBRARIAN_MIN_DIGITS}-12 digits): ")
        check_new_pin(pin, min_digits=LIBRARIAN_MIN_DIGITS)  # before it is asked again
        if getpass.getpass("Repeat the PIN: ") != pin:
            raise KioskError("pin_mismatch", "the two PINs differ; nothing was changed")
    else:
        pin = sys.stdin.readline().strip()
    pins.set_pin(pin)
    emit({"pin_set": True})
    return 0


def _port(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"not a port (1-65535): {text[:40]!r}")
    return int(text)


def _proxy(text: str) -> str:
    """A reverse proxy's address or network, e.g. 10.0.0.5 or 10.0.0.0/24."""
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an address or network (e.g. 10.0.0.5, 10.0.0.0/24): {text[:40]!r}"
        ) from None


def register(sub: Subcommands) -> None:
    """``kiosk run|librarian|serve|demo|seed-demo|set-pin``."""
    add_command(sub, "run", cmd_run, "the visitor kiosk (default)")
    add_command(sub, "librarian", cmd_librarian, "the librarian console")
    sp = add_command(
        sub, "serve", cmd_serve, "the librarian console (or --kiosk: the kiosk) in a browser"
    )
    sp.add_argument("--kiosk", action="store_true", help="serve the visitor kiosk instead")
    sp.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sp.add_argument("--port", type=_port, default=8080, help="port (default 8080)")
    sp.add_argument("--public-url", help="the address browsers use, e.g. https://kiosk.lan")
    sp.add_argument(
        "--behind-proxy",
        action="append",
        default=[],
        type=_proxy,
        metavar="ADDRESS",
        help="a reverse proxy's address or network (repeatable): from it, and only from it, "
        "the client's address is the last X-Forwarded-For entry",
    )
    sp.add_argument(
        "--socket",
        type=Path,
        metavar="PATH",
        help="listen on this Unix socket (mode 0660) instead of --host/--port; the proxy "
        "that connects through it says who the client is",
    )
    sp.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another host name browsers use for this server (repeatable)",
    )
    add_command(
        sub, "demo", cmd_demo, "seed demo data if the data dir is empty, then run the kiosk"
    )
    add_command(sub, "seed-demo", cmd_seed_demo, "only seed the demo data")
    sp = add_command(
        sub,
        "set-pin",
        cmd_set_pin,
        "set the librarian PIN of 6-12 digits (asks on a tty, else reads lines from stdin: "
        "the current PIN if one is set, then the new one)",
    )
    sp.add_argument(
        "--reset",
        action="store_true",
        help="replace a forgotten PIN without the current one (asks you to type RESET)",
    )
