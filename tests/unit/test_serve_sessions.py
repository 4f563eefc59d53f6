"""`kiosk serve`'s sessions over real websockets: how many at once, what size, for whom.

A real server on a loopback port (or a Unix socket) and real aiohttp websockets; each
session runs a small stand-in for the App (STUB_APP) that reports what it was started with
(its client's address, its terminal size) and every resize it is sent, so no Textual app
runs here.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import shlex
import signal
import stat
import subprocess
import sys
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from kiosk.cli import main
from kiosk.domain.auth import WEB_CLIENT_ENV
from kiosk.domain.errors import KioskError
from kiosk.web.serve import KioskServer, ServeOptions, unix_listener

# What textual-serve runs for a tab, cut down to what these tests look at: it says hello
# (its client and size) on start, answers each resize with the size it got, ends on "quit".
STUB_APP = """
import json, os, sys

out = sys.stdout.buffer

def send(value):
    payload = json.dumps(value).encode()
    out.write(b"D" + len(payload).to_bytes(4, "big") + payload)
    out.flush()

out.write(b"__GANGLION__\\n")
size = [int(os.environ["COLUMNS"]), int(os.environ["ROWS"])]
send({"client": os.environ.get(CLIENT_ENV), "size": size})
read = sys.stdin.buffer.read
while kind := read(1):
    payload = read(int.from_bytes(read(4), "big"))
    if kind == b"M":
        meta = json.loads(payload)
        if meta["type"] == "quit":
            break
        if meta["type"] == "resize":
            send({"size": [meta["width"], meta["height"]]})
"""


def _server(tmp_path: Path, limit: Callable[[], int] = lambda: 4, **options: Any) -> KioskServer:
    server = KioskServer(ServeOptions(data_dir=tmp_path, **options), max_sessions=limit)
    stub = tmp_path / "stub_app.py"
    stub.write_text(f"CLIENT_ENV = {WEB_CLIENT_ENV!r}\n{STUB_APP}")
    server.command = shlex.join([sys.executable, str(stub)])
    return server


@asynccontextmanager
async def _running(server: KioskServer) -> AsyncIterator[str]:
    """The server on a free loopback port; yields its ``host:port``."""
    site = TestServer(await server._make_app(), host="127.0.0.1")
    await site.start_server()
    try:
        yield f"127.0.0.1:{site.port}"
    finally:
        await site.close()


async def _open(
    http: aiohttp.ClientSession, host: str, query: str = "", **headers: str
) -> tuple[aiohttp.ClientWebSocketResponse, dict[str, Any]]:
    """A tab's websocket, and the hello of the App it got."""
    ws = await http.ws_connect(
        f"http://{host}/ws{query}", headers={"Origin": f"http://{host}", "Host": host, **headers}
    )
    return ws, json.loads(await ws.receive_bytes())


async def _closed(server: KioskServer) -> None:
    """Wait until the server has let every session go."""
    while server.sessions:
        await asyncio.sleep(0.01)


# -- the cap --------------------------------------------------------------------------------


async def test_simultaneous_websockets_never_pass_the_cap(tmp_path: Path) -> None:
    tabs, cap = 12, 4
    # Reading the cap (the settings file) holds each request until all twelve are reading
    # it: every one is between "arrived" and "decided" at the same time.
    everyone_asking = threading.Barrier(tabs, timeout=120)
    arrivals = itertools.count(1)

    def limit() -> int:
        if next(arrivals) <= tabs:
            everyone_asking.wait()
        return cap

    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=tabs))
    server = _server(tmp_path, limit)
    async with _running(server) as host, aiohttp.ClientSession() as http:

        async def tab() -> aiohttp.ClientWebSocketResponse | None:
            try:
                ws, hello = await _open(http, host)
            except aiohttp.WSServerHandshakeError as refused:
                assert refused.status == 503
                return None
            assert hello["client"] == "127.0.0.1"  # an App runs for this tab
            return ws

        results = await asyncio.gather(*(tab() for _ in range(tabs)))
        assert not everyone_asking.broken  # the twelve did overlap
        served = [ws for ws in results if ws is not None]
        assert len(served) == cap, f"{len(served)} of {tabs} simultaneous tabs got an App"
        assert server.sessions == cap
        busy = await http.get(f"http://{host}/")
        assert busy.status == 503 and "Too many sessions" in await busy.text()

        for ws in served:
            await ws.close()
        await _closed(server)
        # Every slot came back: the next tab is served.
        ws, _ = await _open(http, host)
        await ws.close()
    await _closed(server)


async def test_a_session_that_breaks_gives_its_place_back(tmp_path: Path) -> None:
    server = _server(tmp_path, lambda: 1)
    async with _running(server) as host, aiohttp.ClientSession() as http:
        ws, _ = await _open(http, host)
        await ws.send_str("not json")
        await ws.send_json({"not": "a list"})
        await ws.send_json(["resize"])
        await ws.send_json(["ping", "still here"])
        assert await ws.receive_json() == ["pong", "still here"]  # junk ended nothing
        await ws.close()
        await _closed(server)
        # The browser goes away without a closing handshake.
        ws, _ = await _open(http, host)
        await http.close()
        await _closed(server)


async def test_a_cap_that_cannot_be_read_is_four(tmp_path: Path) -> None:
    def unreadable() -> int:
        raise KioskError("store", "the data file is locked")

    assert _server(tmp_path, unreadable).session_limit() == 4
    assert _server(tmp_path, lambda: 0).session_limit() == 1


# -- terminal sizes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "size"),
    [
        ("?width=4000&height=4000", [300, 120]),
        ("?width=1&height=-5", [20, 10]),
        ("?width=abc&height=", [80, 24]),
        ("?width=132&height=43", [132, 43]),
        ("", [80, 24]),
    ],
)
async def test_the_size_in_the_address_is_kept_in_bounds(
    tmp_path: Path, query: str, size: list[int]
) -> None:
    server = _server(tmp_path)
    async with _running(server) as host, aiohttp.ClientSession() as http:
        ws, hello = await _open(http, host, query)
        assert hello["size"] == size
        await ws.close()
    await _closed(server)


async def test_a_resize_is_kept_in_bounds(tmp_path: Path) -> None:
    server = _server(tmp_path)
    async with _running(server) as host, aiohttp.ClientSession() as http:
        ws, _ = await _open(http, host)

        async def resized(width: object, height: object) -> list[int]:
            await ws.send_json(["resize", {"width": width, "height": height}])
            reply: list[int] = json.loads(await ws.receive_bytes())["size"]
            return reply

        assert await resized(4000, 4000) == [300, 120]
        assert await resized(0, -7) == [20, 10]
        assert await resized(1e308, 55.5) == [300, 55]
        assert await resized(100, 30) == [100, 30]
        # Not numbers: no resize reaches the App (the next answer is the next good one's).
        await ws.send_json(["resize", {"width": "4000", "height": True}])
        await ws.send_json(["resize", "4000x4000"])
        assert await resized(90, 25) == [90, 25]
        await ws.close()
    await _closed(server)


# -- whose session: forwarded addresses -------------------------------------------------------


def _from(address: str) -> aiohttp.ClientSession:
    """A client whose connections come from ``address`` (any 127.x.y.z is this machine)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0)))


async def test_a_forwarded_address_counts_only_from_the_named_proxy(tmp_path: Path) -> None:
    server = _server(tmp_path, behind_proxy=["127.0.0.2"])
    forged = {"X-Forwarded-For": "192.0.2.99"}
    async with _running(server) as host:
        # Anyone else on this machine writes what they like: they are keyed on themselves.
        async with _from("127.0.0.1") as local:
            ws, hello = await _open(local, host, **forged)
            assert hello["client"] == "127.0.0.1"
            await ws.close()
        async with _from("127.0.0.3") as local:
            ws, hello = await _open(local, host, **forged)
            assert hello["client"] == "127.0.0.3"
            await ws.close()
        # The proxy: only the entry it appended counts, never what its client sent before it.
        async with _from("127.0.0.2") as proxy:
            ws, hello = await _open(proxy, host, **{"X-Forwarded-For": "192.0.2.99, 10.1.2.3"})
            assert hello["client"] == "10.1.2.3"
            await ws.close()
            # Nothing usable appended: the proxy itself.
            ws, hello = await _open(proxy, host, **{"X-Forwarded-For": "10.1.2.3, unknown"})
            assert hello["client"] == "127.0.0.2"
            await ws.close()
    await _closed(server)


async def test_a_second_forwarded_header_line_is_read_too(tmp_path: Path) -> None:
    server = _server(tmp_path, behind_proxy=["127.0.0.0/30"])
    async with _running(server) as host, _from("127.0.0.2") as proxy:
        headers = [
            ("Origin", f"http://{host}"),
            ("X-Forwarded-For", "192.0.2.99"),  # the client's
            ("X-Forwarded-For", "10.1.2.3"),  # the proxy's, on a line of its own
        ]
        ws = await proxy.ws_connect(f"http://{host}/ws", headers=headers)
        assert json.loads(await ws.receive_bytes())["client"] == "10.1.2.3"
        await ws.close()
    await _closed(server)


async def test_without_a_named_proxy_no_forward_counts(tmp_path: Path) -> None:
    server = _server(tmp_path)
    async with _running(server) as host, _from("127.0.0.2") as local:
        ws, hello = await _open(local, host, **{"X-Forwarded-For": "192.0.2.99"})
        assert hello["client"] == "127.0.0.2"
        await ws.close()
        page = await local.get(f"http://{host}/", headers={"X-Forwarded-Proto": "https"})
        assert f'"ws://{host}/ws"' in await page.text()
    await _closed(server)


async def test_the_forwarded_scheme_counts_only_from_the_proxy(tmp_path: Path) -> None:
    server = _server(tmp_path, behind_proxy=["127.0.0.2"])
    async with _running(server) as host:
        https = {"X-Forwarded-Proto": "https"}
        async with _from("127.0.0.1") as local:
            page = await local.get(f"http://{host}/", headers=https)
            assert f'"ws://{host}/ws"' in await page.text()
        async with _from("127.0.0.2") as proxy:
            page = await proxy.get(f"http://{host}/", headers=https)
            assert f'"wss://{host}/ws"' in await page.text()


# -- the Unix socket: only the proxy that may open it gets in -------------------------------------


async def test_on_a_unix_socket_the_proxy_behind_it_says_who_the_client_is(
    tmp_path: Path,
) -> None:
    server = _server(tmp_path, socket=tmp_path / "console.sock")
    listener = unix_listener(tmp_path / "console.sock")
    assert stat.S_IMODE(os.stat(tmp_path / "console.sock").st_mode) == 0o660
    runner = web.AppRunner(await server._make_app())
    await runner.setup()
    await web.SockSite(runner, listener).start()
    connector = aiohttp.UnixConnector(path=str(tmp_path / "console.sock"))
    try:
        async with aiohttp.ClientSession(connector=connector) as proxy:
            forwarded = {"X-Forwarded-For": "192.0.2.99, 10.1.2.3"}
            ws, hello = await _open(proxy, "localhost", **forwarded)
            assert hello["client"] == "10.1.2.3"
            await ws.close()
            # A proxy that names nobody: keyed on the socket, never on a made-up address.
            ws, hello = await _open(proxy, "localhost")
            assert hello["client"] == "unix"
            await ws.close()
            await _closed(server)
    finally:
        await runner.cleanup()


def test_a_socket_path_that_is_not_a_socket_is_left_alone(tmp_path: Path) -> None:
    taken = tmp_path / "console.sock"
    taken.write_text("someone's file")
    with pytest.raises(KioskError, match="not a socket"):
        unix_listener(taken)
    assert taken.read_text() == "someone's file"
    # A socket left behind by a server that died is replaced.
    unix_listener(tmp_path / "stale.sock").close()
    unix_listener(tmp_path / "stale.sock").close()


def test_kiosk_serve_on_a_socket_serves_and_cleans_up(tmp_path: Path) -> None:
    path = tmp_path / "console.sock"
    env = {**os.environ, "KIOSK_NOW": "2026-11-24T10:00:00+02:00"}
    command = [sys.executable, "-m", "kiosk", "--data-dir", str(tmp_path / "data")]
    process = subprocess.Popen(
        [*command, "serve", "--socket", str(path), "--allow-host", "kiosk.lan"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    async def page() -> tuple[int, str]:
        while True:
            try:
                connector = aiohttp.UnixConnector(path=str(path))
                async with aiohttp.ClientSession(connector=connector) as proxy:
                    answer = await proxy.get("http://kiosk.lan/")
                    return answer.status, await answer.text()
            except (aiohttp.ClientConnectionError, FileNotFoundError):
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                await asyncio.sleep(0.05)

    try:
        status, text = asyncio.run(page())
        assert status == 200 and '"ws://kiosk.lan/ws"' in text
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o660
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate()
    assert process.returncode == 0, err
    assert not path.exists()


# -- the command line ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [["--behind-proxy"], ["--behind-proxy", "localhost"], ["--behind-proxy", "10.0.0.0/99"]],
    ids=["no-address", "a-name", "bad-network"],
)
def test_a_proxy_is_named_by_its_address(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", *args]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("kiosk: ") and "Traceback" not in err
