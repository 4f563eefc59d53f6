"""``kiosk serve``: the librarian console (or, with ``--kiosk``, the visitor kiosk) in a browser.

textual-serve runs one App process per browser tab (per websocket) on the same data dir and
streams its screen; this module adds what a library needs around it:
- each process learns its client's address (``KIOSK_WEB_CLIENT``), so wrong PINs lock out
  that browser only (kiosk/domain/auth.py: ``web:<address>``, ``web-kiosk:<address>``); an
  X-Forwarded-For counts only from a proxy named by address, or from the one behind the
  Unix socket, and then only the entry that proxy appended;
- at most ``Settings.web_max_sessions`` sessions at once, taken in one step on the event
  loop so simultaneous tabs cannot all slip under the cap; one more is refused with a page
  saying so, so a stuck browser cannot fill the memory;
- terminal sizes are kept within MIN/MAX_COLUMNS and MIN/MAX_ROWS, from the address and
  from every resize, so one tab cannot ask for a screen of millions of cells;
- nothing is served but the app: the page, its websocket, textual-serve's own scripts and
  fonts (no folder listings) and the files the App itself hands down (an export); no
  third-party fonts or scripts; a websocket from another site's page or another host
  name (DNS rebinding) is refused;
- the kiosk page keeps the terminal kiosk's lock-down: no context menu, no zoom or swipe
  gestures, no browser keys, and it reconnects by itself when its session ends;
- the kiosk page sizes its cells to the window and the terminal takes keys from the start
  (a scanner needs no tap first): see index.html.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import math
import os
import shlex
import signal
import socket
import stat
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from kiosk.domain.auth import WEB_CLIENT_ENV
from kiosk.domain.errors import KioskError

log = logging.getLogger("kiosk.web.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
TITLE = "E. skautai"
TEMPLATES = Path(__file__).resolve().parent  # the pages beside this module
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
CONSOLE_FONT_SIZE = 16
DEFAULT_MAX_SESSIONS = 4  # when the settings cannot be read
# A terminal's size in cells: the smallest any screen can use, the largest a big monitor
# needs; beyond that a tab would only make the App draw (and send) more.
MIN_COLUMNS, MAX_COLUMNS = 20, 300
MIN_ROWS, MAX_ROWS = 10, 120
UNIX_PEER = "unix"  # the peer of a connection on the Unix socket
SOCKET_MODE = 0o660  # the owner and the group (the proxy's): nobody else may connect


class ClientAppService(AppService):
    """One browser tab's App process, told which client it serves."""

    def __init__(self, command: str, *, client: str, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.client = client

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment[WEB_CLIENT_ENV] = self.client
        return environment

    async def stop(self) -> None:
        """Stop the App and wait until its process is gone: a session's place comes back
        only with its memory, and no pipe is left for the garbage collector."""
        process = self._process
        await super().stop()
        if process is not None:
            if process.stdin is not None:
                process.stdin.close()
            await process.wait()


def app_command(data_dir: Path, kiosk: bool) -> str:
    """The shell command textual-serve runs for each tab: this Python, this data dir."""
    mode = "run" if kiosk else "librarian"
    return shlex.join([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), mode])


def _hostname(host_header: str) -> str:
    """``host`` of a Host or Origin's ``host[:port]``, brackets of IPv6 removed."""
    return (urlsplit(f"//{host_header}").hostname or "").lower()


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass
class ServeOptions:
    data_dir: Path
    kiosk: bool = False
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    public_url: str | None = None  # the address browsers use, e.g. behind a reverse proxy
    # The reverse proxies' addresses or networks: their X-Forwarded-For/-Proto count.
    behind_proxy: list[str] = field(default_factory=list)
    allow_hosts: list[str] = field(default_factory=list)  # extra host names browsers use
    # Listen on this Unix socket instead of host:port. Only a proxy connects to a socket
    # (browsers cannot), and its mode lets in the owner and group only, so what comes
    # through it is the proxy's word: its X-Forwarded-For/-Proto count.
    socket: Path | None = None


def clamp_size(width: int, height: int) -> tuple[int, int]:
    """A terminal size within MIN/MAX_COLUMNS x MIN/MAX_ROWS."""
    return (
        min(max(width, MIN_COLUMNS), MAX_COLUMNS),
        min(max(height, MIN_ROWS), MAX_ROWS),
    )


def _cells(value: object) -> int | None:
    """A number of cells from a resize message, or None if it is not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return int(value)


def unix_listener(path: Path) -> socket.socket:
    """A listening Unix socket at ``path``, mode SOCKET_MODE; a socket a stopped server
    left there is replaced, anything else is refused."""
    try:
        if stat.S_ISSOCK(os.lstat(path).st_mode):
            path.unlink()
        else:
            raise KioskError("socket_taken", f"{path} exists and is not a socket; not replaced")
    except FileNotFoundError:
        pass
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(str(path))
        os.chmod(path, SOCKET_MODE)  # before listen(): nobody can connect in between
        listener.listen(128)
    except BaseException:
        listener.close()
        raise
    return listener


class KioskServer(Server):
    """textual-serve's Server with per-client places, a session cap and nothing but the app."""

    def __init__(self, options: ServeOptions, max_sessions: Callable[[], int]) -> None:
        super().__init__(
            app_command(options.data_dir, options.kiosk),
            host=options.host,
            port=options.port,
            title=TITLE,  # never the command: it names the data dir
            public_url=options.public_url,
            templates_path=TEMPLATES,
        )
        self.options = options
        self.max_sessions = max_sessions
        self.sessions = 0
        self.proxies = [ipaddress.ip_network(a, strict=False) for a in options.behind_proxy]
        names = {*LOOPBACK_NAMES, options.host.lower(), *(h.lower() for h in options.allow_hosts)}
        if options.public_url:
            names.add((urlsplit(options.public_url).hostname or "").lower())
        self.allowed_hosts = {n for n in names if n}

    # -- who is asking ------------------------------------------------------------------

    def peer_of(self, request: web.Request) -> str:
        """Who is connected: an address, or UNIX_PEER on the Unix socket."""
        transport = request.transport
        connection = transport.get_extra_info("socket") if transport is not None else None
        if connection is not None and connection.family == socket.AF_UNIX:
            return UNIX_PEER
        return request.remote or "unknown"

    def from_proxy(self, peer: str) -> bool:
        """Whether ``peer`` is a proxy whose forwarded headers count."""
        if peer == UNIX_PEER:
            return True
        try:
            address = ipaddress.ip_address(peer)
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        return any(address in network for network in self.proxies)

    @staticmethod
    def _appended(request: web.Request, header: str) -> str:
        """The last entry of ``header`` (over all its lines): the one the proxy added."""
        return ",".join(request.headers.getall(header, [])).split(",")[-1].strip()

    def client_of(self, request: web.Request) -> str:
        """The browser's address: the peer, or, from a proxy, the address the proxy appended
        to X-Forwarded-For (anything before it the client wrote)."""
        peer = self.peer_of(request)
        if self.from_proxy(peer):
            last = self._appended(request, "X-Forwarded-For")
            if _is_ip(last):
                return str(ipaddress.ip_address(last))
            log.warning("the proxy %s named no client address: keyed on the proxy", peer)
        return peer

    def host_allowed(self, request: web.Request) -> bool:
        """A host name this server is known by, or an address: never a name some other
        site points at this machine (DNS rebinding)."""
        name = _hostname(request.host)
        return name in self.allowed_hosts or _is_ip(name)

    def same_origin(self, request: web.Request) -> bool:
        """A websocket opened by our own page: its Origin is the host it connects to."""
        origin = request.headers.get("Origin")
        if not origin:
            return False
        return urlsplit(origin).netloc.lower() == request.host.lower()

    def base_url(self, request: web.Request) -> str:
        if self.options.public_url:
            return self.options.public_url.rstrip("/")
        scheme = request.scheme
        if self.from_proxy(self.peer_of(request)):
            scheme = self._appended(request, "X-Forwarded-Proto") or scheme
        return f"{'https' if scheme == 'https' else 'http'}://{request.host}"

    # -- the web application --------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(self.templates_path))
        app.add_routes(
            [
                web.get("/", self.handle_index, name="index"),
                web.get("/ws", self.handle_websocket, name="websocket"),
                web.get("/download/{key}", self.handle_download, name="download"),
                # textual-serve's scripts, styles and fonts; no folder listings.
                web.static("/static", self.statics_path, show_index=False, name="static"),
            ]
        )
        app.on_startup.append(self.on_startup)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if not self.host_allowed(request):
            log.warning("refused host name %r from %s", request.host, request.remote)
            raise web.HTTPMisdirectedRequest(text="Unknown host name.\n")
        response: web.StreamResponse = await handler(request)
        headers = response.headers
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Cache-Control", "no-store")
        return response

    async def on_startup(self, app: web.Application) -> None:
        what = "visitor kiosk" if self.options.kiosk else "librarian console"
        where = self.public_url
        if self.options.socket is not None and not self.options.public_url:
            where = f"unix:{self.options.socket}"
        self.console.print(f"Serving the {what} on {where}", highlight=False)

    def serve(self, debug: bool = False) -> None:
        """Serve on host:port, or on the Unix socket (removed again on the way out)."""
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        path = self.options.socket
        listener = unix_listener(path) if path is not None else None
        try:
            web.run_app(
                self._make_app(),
                host=None if listener else self.host,
                port=None if listener else self.port,
                sock=listener,
                handle_signals=False,
                loop=loop,
                print=lambda *args: None,
            )
        finally:
            if listener is not None and path is not None:
                listener.close()
                path.unlink(missing_ok=True)

    # -- sessions ------------------------------------------------------------------------

    def session_limit(self) -> int:
        """The most sessions at once, from the settings (a file read: call it off the loop)."""
        try:
            return max(1, int(self.max_sessions()))
        except Exception as error:  # noqa: BLE001 - the settings cannot be read: the default
            log.warning("cannot read web_max_sessions (%r); allowing 4", error)
            return DEFAULT_MAX_SESSIONS

    def take_session(self, limit: int) -> bool:
        """Count one more session unless ``limit`` are open.

        No await in here: the check and the count are one step on the event loop, so of
        many tabs arriving at once no more than ``limit`` pass."""
        if self.sessions >= limit:
            return False
        self.sessions += 1
        return True

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        limit = await asyncio.to_thread(self.session_limit)
        if self.sessions >= limit:
            context = {"title": TITLE, "kiosk": self.options.kiosk}
            return aiohttp_jinja2.render_template("busy.html", request, context, status=503)
        base = self.base_url(request)
        websocket = ("wss:" if base.startswith("https:") else "ws:") + base.split(":", 1)[1]
        context = {
            "title": TITLE,
            "kiosk": self.options.kiosk,
            "font_size": self.font_size(request),
            "static_url": f"{base}/static/",
            "websocket_url": f"{websocket}/ws",
        }
        return aiohttp_jinja2.render_template("index.html", request, context)

    def font_size(self, request: web.Request) -> str:
        """The cells' font size in px, or "" where the page fits it to the window itself.

        The kiosk fits it (index.html: the largest size that gives 80x24 cells); the console
        keeps 16, as many cells as a desk PC's window holds. ``?fontsize=`` overrides both."""
        asked = request.query.get("fontsize")
        if asked is None:
            return "" if self.options.kiosk else str(CONSOLE_FONT_SIZE)
        return str(max(8, min(96, _to_int(asked, CONSOLE_FONT_SIZE))))

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not self.same_origin(request):
            log.warning("refused a websocket from origin %r", request.headers.get("Origin"))
            raise web.HTTPForbidden(text="Open the page first.\n")
        limit = await asyncio.to_thread(self.session_limit)
        client = self.client_of(request)
        if not self.take_session(limit):
            log.warning("refused a session for %s: %d open", client, self.sessions)
            raise web.HTTPServiceUnavailable(text="Too many sessions are open.\n")
        # The place is taken: from here every way out gives it back.
        try:
            log.info("session opened for %s (%d open)", client, self.sessions)
            return await self._session(request, client)
        finally:
            self.sessions -= 1
            log.info("session closed for %s (%d open)", client, self.sessions)

    async def _session(self, request: web.Request, client: str) -> web.WebSocketResponse:
        """One tab: its websocket and its App process, until either ends."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width, height = clamp_size(
            _to_int(request.query.get("width", "80"), 80),
            _to_int(request.query.get("height", "24"), 24),
        )
        service: ClientAppService | None = None
        try:
            await websocket.prepare(request)
            service = ClientAppService(
                self.command,
                client=client,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:  # noqa: BLE001 - one tab's failure never ends the server
            log.exception("session for %s failed: %r", client, error)
        finally:
            if service is not None:
                await service.stop()
        return websocket

    async def _process_messages(
        self, websocket: web.WebSocketResponse, app_service: AppService
    ) -> None:
        """The browser's messages to the App: keys, resizes (kept in bounds), pings, focus.
        A message that is not one of these is dropped; it never ends the session."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope:
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await app_service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                width, height = _cells(data.get("width")), _cells(data.get("height"))
                if width is not None and height is not None:
                    await app_service.set_terminal_size(*clamp_size(width, height))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()


def _to_int(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default


def serve(options: ServeOptions, max_sessions: Callable[[], int]) -> int:
    """Serve until SIGINT/SIGTERM; 0 when stopped."""
    KioskServer(options, max_sessions).serve()
    return 0
