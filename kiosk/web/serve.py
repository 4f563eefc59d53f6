"""``kiosk serve``: the librarian console (or, with ``--kiosk``, the visitor kiosk) in a browser.

textual-serve runs one App process per browser tab (per websocket) on the same data dir and
streams its screen; this module adds what a library needs around it:
- each process learns its client's address (``KIOSK_WEB_CLIENT``), so wrong PINs lock out
  that browser only (kiosk/domain/auth.py: ``web:<address>``, ``web-kiosk:<address>``);
- at most ``Settings.web_max_sessions`` sessions at once; one more is refused with a page
  saying so, so a stuck browser cannot fill the memory;
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
import logging
import shlex
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from kiosk.domain.auth import WEB_CLIENT_ENV

log = logging.getLogger("kiosk.web.serve")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
TITLE = "E. skautai"
TEMPLATES = Path(__file__).resolve().parent  # the pages beside this module
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
CONSOLE_FONT_SIZE = 16


class ClientAppService(AppService):
    """One browser tab's App process, told which client it serves."""

    def __init__(self, command: str, *, client: str, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.client = client

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment[WEB_CLIENT_ENV] = self.client
        return environment


def app_command(data_dir: Path, kiosk: bool) -> str:
    """The shell command textual-serve runs for each tab: this Python, this data dir."""
    mode = "run" if kiosk else "librarian"
    return shlex.join([sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), mode])


def is_loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


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
    behind_proxy: bool = False  # trust X-Forwarded-For/-Proto from a proxy on this host
    allow_hosts: list[str] = field(default_factory=list)  # extra host names browsers use


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
        names = {*LOOPBACK_NAMES, options.host.lower(), *(h.lower() for h in options.allow_hosts)}
        if options.public_url:
            names.add((urlsplit(options.public_url).hostname or "").lower())
        self.allowed_hosts = {n for n in names if n}

    # -- who is asking ------------------------------------------------------------------

    def client_of(self, request: web.Request) -> str:
        """The browser's address: the peer, or what a proxy on this host says it was."""
        peer = request.remote or "unknown"
        if self.options.behind_proxy and is_loopback(peer):
            forwarded = request.headers.get("X-Forwarded-For", "")
            # The proxy appends the address it saw last: anything before it the client wrote.
            last = forwarded.split(",")[-1].strip()
            if _is_ip(last):
                return last
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
        if self.options.behind_proxy and is_loopback(request.remote):
            scheme = request.headers.get("X-Forwarded-Proto", scheme).split(",")[0].strip()
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
        self.console.print(f"Serving the {what} on {self.public_url}", highlight=False)

    def _busy(self) -> bool:
        try:
            return self.sessions >= max(1, int(self.max_sessions()))
        except Exception as error:  # noqa: BLE001 - the settings cannot be read: the default
            log.warning("cannot read web_max_sessions (%r); allowing 4", error)
            return self.sessions >= 4

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if await asyncio.to_thread(self._busy):
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
        if await asyncio.to_thread(self._busy):
            raise web.HTTPServiceUnavailable(text="Too many sessions are open.\n")
        client = self.client_of(request)
        websocket = web.WebSocketResponse(heartbeat=15)
        width = _to_int(request.query.get("width", "80"), 80)
        height = _to_int(request.query.get("height", "24"), 24)
        self.sessions += 1
        log.info("session opened for %s (%d open)", client, self.sessions)
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
            self.sessions -= 1
            log.info("session closed for %s (%d open)", client, self.sessions)
        return websocket


def _to_int(text: str, default: int) -> int:
    try:
        return int(text)
    except ValueError:
        return default


def serve(options: ServeOptions, max_sessions: Callable[[], int]) -> int:
    """Serve until SIGINT/SIGTERM; 0 when stopped."""
    KioskServer(options, max_sessions).serve()
    return 0
