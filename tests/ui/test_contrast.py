"""The colours the kiosk really draws, measured: text 7:1 (WCAG 1.4.6), the edge of anything
tappable 3:1 against its surroundings (1.4.11), and a focus ring 3:1 from the plain edge.

Colours are read from the running App (theme variables through the stylesheets, composited
as Textual draws them), not copied from a stylesheet.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.color import Color
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from kiosk.services import Services
from screens.widgets.keyboard import KeyButton
from tests.ui.conftest import click, make_app, press_text, settle

TEXT = 7.0
EDGE = 3.0
KIOSK = (78, 18)


def luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def ratio(a: Color, b: Color) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def edge_color(widget: Widget) -> Color | None:
    """The colour of the widget's drawn edge (its left border), over what is behind it."""
    kind, color = widget.styles.border_left
    if kind in ("", "none", "hidden", "blank"):
        return None
    behind, _, _, _ = widget.colors
    return behind + color


def shown(widget: Widget) -> bool:
    return widget.display and widget.visible and widget.region.area > 0


def check_text(widget: Widget, problems: list[str]) -> None:
    _, _, background, color = widget.colors
    if ratio(color, background) < TEXT:
        problems.append(f"{widget!r} text {ratio(color, background):.2f}:1")


def check_screen(screen: Any, problems: list[str]) -> None:
    """Text of every shown widget, and the edge of every tappable one."""
    for widget in screen.query(Static):
        if shown(widget) and str(widget.render()).strip():
            check_text(widget, problems)
    for widget in [*screen.query(Button), *screen.query(Input)]:
        if not shown(widget) or widget.disabled:
            continue  # an inactive control is exempt (WCAG 1.4.11)
        check_text(widget, problems)
        surroundings, _, background, _ = widget.colors
        edge = edge_color(widget) or background
        if ratio(edge, surroundings) < EDGE:
            problems.append(f"{widget!r} edge {ratio(edge, surroundings):.2f}:1")
        if isinstance(widget, Input) and widget.placeholder and not widget.value:
            style = widget.get_component_rich_style("input--placeholder")
            assert style.color is not None
            placeholder = Color.from_rich_color(style.color)
            if ratio(placeholder, background) < TEXT:
                problems.append(f"{widget!r} placeholder {ratio(placeholder, background):.2f}:1")


async def _focus_ring(pilot: Pilot[Any], widget: Widget) -> float:
    """How far the focused widget's edge is from its unfocused edge."""
    widget.focus()
    await pilot.pause()
    focused = edge_color(widget)
    pilot.app.screen.set_focus(None)
    await pilot.pause()
    plain = edge_color(widget) or widget.colors[2]
    assert focused is not None, f"{widget!r} shows no ring when focused"
    return ratio(focused, plain)


async def to_welcome(pilot: Pilot[Any]) -> None:
    pass


async def to_topics(pilot: Pilot[Any]) -> None:
    await click(pilot, "#w-book")


async def to_details(pilot: Pilot[Any]) -> None:
    await to_topics(pilot)
    await click(pilot, "#topic-smartphone")
    await click(pilot, "#time-first")


async def to_details_error(pilot: Pilot[Any]) -> None:
    await to_details(pilot)
    await click(pilot, "#details-next")


async def to_confirm(pilot: Pilot[Any]) -> None:
    await to_details(pilot)
    await press_text(pilot, "Ona")
    await click(pilot, "#details-next")


async def to_checkin_refused(pilot: Pilot[Any]) -> None:
    await click(pilot, "#w-checkin")
    await press_text(pilot, "ACDEFG")
    await pilot.press("enter")


async def to_lookup(pilot: Pilot[Any]) -> None:
    await click(pilot, "#w-lookup")


STEPS = [to_welcome, to_topics, to_details, to_details_error, to_confirm, to_checkin_refused]


@pytest.mark.parametrize("size", [KIOSK, (120, 40)], ids=["78x18", "120x40"])
@pytest.mark.parametrize("steps", STEPS, ids=[s.__name__ for s in STEPS])
async def test_text_and_edges_contrast_enough(demo: Services, steps: Any, size: Any) -> None:
    app = make_app(demo)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await steps(pilot)
        await settle(pilot)
        problems: list[str] = []
        check_screen(app.screen, problems)
        assert not problems, "\n".join(problems)


async def test_the_focus_ring_is_seen_on_buttons_fields_and_tiles(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        assert await _focus_ring(pilot, app.screen.query_one("#w-book")) >= EDGE
        assert await _focus_ring(pilot, app.screen.query_one("#v-help")) >= EDGE
        await to_topics(pilot)
        assert await _focus_ring(pilot, app.screen.query_one("#topic-smartphone")) >= EDGE
        await click(pilot, "#topic-smartphone")
        assert await _focus_ring(pilot, app.screen.query_one("#time-first")) >= EDGE
        await click(pilot, "#time-first")
        assert await _focus_ring(pilot, app.screen.query_one("#name")) >= EDGE
        assert await _focus_ring(pilot, app.screen.query_one("#details-next")) >= EDGE


async def test_keys_are_kept_apart_on_the_kiosk_panel(demo: Services) -> None:
    app = make_app(demo)
    async with app.run_test(size=KIOSK) as pilot:
        await settle(pilot)
        await to_details(pilot)
        keys = [k for k in app.screen.query(KeyButton) if shown(k)]
        assert len(keys) > 20
        for key in keys:
            # Each key draws its own outline: two neighbours never run into one block.
            assert edge_color(key) is not None, key
            assert ratio(edge_color(key), key.colors[0]) >= EDGE  # type: ignore[arg-type]
