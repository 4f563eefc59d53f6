"""`kiosk serve`'s guard rails, without a browser: what is served, to whom, how many.

Sessions over real websockets (the cap, terminal sizes, forwarded addresses) are in
test_serve_sessions.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from kiosk.domain.auth import WEB_CLIENT_ENV, place_for_mode
from kiosk.web.serve import KioskServer, ServeOptions, app_command


def _server(tmp_path: Path, limit: int = 4, **options: Any) -> KioskServer:
    return KioskServer(ServeOptions(data_dir=tmp_path, **options), max_sessions=lambda: limit)


async def _client(server: KioskServer) -> TestClient[Any, Any]:
    client = TestClient(TestServer(await server._make_app()))
    await client.start_server()
    return client


async def test_the_page_and_nothing_else(tmp_path: Path) -> None:
    client = await _client(_server(tmp_path))
    try:
        page = await client.get("/")
        assert page.status == 200
        text = await page.text()
        assert str(tmp_path) not in text  # the title is never the command
        assert "googleapis" not in text  # no third-party fonts or scripts
        assert page.headers["X-Frame-Options"] == "DENY"
        assert (await client.get("/static/")).status == 403  # no folder listings
        assert (await client.get("/static/js/textual.js")).status == 200
        assert (await client.get("/kiosk.json")).status == 404
        assert (await client.get("/download/nothing")).status == 404
    finally:
        await client.close()


async def test_unknown_host_names_and_foreign_pages_are_refused(tmp_path: Path) -> None:
    client = await _client(_server(tmp_path))
    try:
        rebound = await client.get("/", headers={"Host": "attacker.example"})
        assert rebound.status == 421
        assert (await client.get("/ws")).status == 403  # no Origin: not our page
        foreign = await client.get("/ws", headers={"Origin": "http://attacker.example"})
        assert foreign.status == 403
    finally:
        await client.close()


async def test_a_full_server_says_so(tmp_path: Path) -> None:
    server = _server(tmp_path, limit=2)
    server.sessions = 2
    client = await _client(server)
    try:
        page = await client.get("/")
        assert page.status == 503
        assert "Too many sessions" in await page.text()
        host = f"{client.host}:{client.port}"
        ws = await client.get("/ws", headers={"Origin": f"http://{host}", "Host": host})
        assert ws.status == 503
    finally:
        await client.close()


def test_each_tab_runs_this_python_on_this_data_dir(tmp_path: Path) -> None:
    weird = tmp_path / "a dir; rm -rf x"
    assert app_command(weird, kiosk=False).endswith(f"'{weird}' librarian")
    assert app_command(weird, kiosk=True).endswith(" run")


def test_browser_places_are_per_client_and_kiosk_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(WEB_CLIENT_ENV, "192.0.2.7")
    assert place_for_mode("librarian") == "web:192.0.2.7"
    assert place_for_mode("visitor") == "web-kiosk:192.0.2.7"
    monkeypatch.delenv(WEB_CLIENT_ENV)
    assert place_for_mode("visitor") == "kiosk"
