"""The screens kit: what every screen needs from the App, text made safe, and store workers.

- ``KioskHost`` is what a screen may ask of the App (its services and current words);
  ``services_of`` / ``translator`` reach it typed, never through untyped ``self.app.x`` calls;
  ``ConsoleWords`` gives the console's widgets, screens and dialogs their words as ``self.t``.
- ``plain`` is the one way stored or typed text reaches the screen: never markup, and with
  control characters and bidi overrides removed, whatever the data file holds.
- ``store_work`` runs a method in a thread worker; a failure that escapes it (a store error,
  an ``OSError``, the lock's time-out) is logged and handed to the App, which shows a calm
  "please ask the librarian" screen instead of ending.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Concatenate, ParamSpec, Protocol, TypeVar, runtime_checkable

from rich.text import Text
from textual import work
from textual.content import Content
from textual.signal import Signal
from textual.widget import Widget
from textual.worker import Worker

from kiosk.domain.errors import KioskError
from kiosk.domain.models import BookingStatus
from kiosk.i18n import Translator
from screens.widgets.words import Words

if TYPE_CHECKING:
    from kiosk.services import Services
    from screens.session import Session

log = logging.getLogger("kiosk.screens")

# C0 (but tab and line feed), DEL, C1; bidi embeddings, overrides and isolates; the
# invisible direction marks. Any of them can rewrite the terminal or reorder a line.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def safe_text(text: str | None) -> str:
    """``text`` without control characters or bidi overrides (tabs become spaces)."""
    return _UNSAFE.sub("", (text or "").replace("\t", " "))


def plain(text: str | None) -> Content:
    """Text shown exactly as written, never parsed as markup, and safe for the terminal."""
    return Content(safe_text(text))


def cell(text: str | None, style: str = "") -> Text:
    """A table cell: ``plain`` on one line, cut with an ellipsis when it does not fit."""
    one_line = safe_text(text).replace("\n", " ")
    return Text(one_line, style=style, no_wrap=True, overflow="ellipsis")


@runtime_checkable
class KioskHost(Protocol):
    """What screens may ask of the App that runs them."""

    services: Services
    session: Session  # who is here, in which language
    data_changed: Signal[None]  # published when the data file changed, from any process

    @property
    def t(self) -> Translator:
        """Words in the current visitor language."""
        ...

    @property
    def console_t(self) -> Translator:
        """Words in the librarian console's language."""
        ...

    def report_failure(self, error: BaseException, where: str) -> None:
        """A worker failed: log it and show the calm help screen (UI thread only)."""
        ...


def host(widget: Widget) -> KioskHost:
    app = widget.app
    if not isinstance(app, KioskHost):
        raise TypeError(f"{type(app).__name__} does not host kiosk screens")
    return app


def services_of(widget: Widget) -> Services:
    return host(widget).services


def translator(widget: Widget) -> Translator:
    return host(widget).t


class ConsoleWords(Widget):
    """A part of the librarian console: ``self.t("lib.key", ...)`` says it in the console's
    language. The one place a console widget, screen or dialog finds that language; a
    helper that words something takes this ``Translator`` as a parameter, and a thread
    worker takes it from the UI thread when it starts (``self._save(self.t, ...)``).

    Put it after the Textual base, ``class ConsoleScreen(Screen[None], ConsoleWords)``:
    Textual takes a widget's default styles and CSS type names from its first base."""

    @property
    def t(self) -> Translator:
        return host(self).console_t


# The statuses a refusal may name; staff read them in words ("neatvyko", never "no_show").
_STATUSES = {str(status) for status in BookingStatus}


def refusal_words(
    t: Translator, exc: BaseException, prefixes: Sequence[str] = ("v.err",), *, staff: bool = False
) -> str:
    """Every refusal in plain words, for visitors, e-scouts and the librarian alike: the first
    sentence the catalogue has for the error's code under ``prefixes`` (``v.err.<code>``),
    filled with the error's details.

    Staff (``staff=True``) read a booking status in words, and, where no sentence exists, the
    error's own (English) message; a visitor or an e-scout then hears ``v.err.generic``.
    """
    if isinstance(exc, KioskError):
        values = {k: v for k, v in exc.details.items() if isinstance(v, str | int)}
        if staff and values.get("status") in _STATUSES:
            values["status"] = t(f"lib.report.state.{values['status']}")
        for prefix in prefixes:
            key = f"{prefix}.{exc.code}"
            text = t(key, **values)
            if text != key:
                return text
        if staff:
            return exc.message
    return str(exc) if staff else t("v.err.generic")


P = ParamSpec("P")
W = TypeVar("W", bound=Widget)


def store_work(
    *, group: str, exclusive: bool = True
) -> Callable[[Callable[Concatenate[W, P], None]], Callable[Concatenate[W, P], Worker[None]]]:
    """``@work(thread=True)`` whose escaping failures reach the App's help screen, not a crash.

    The method still handles the refusals it expects (``KioskError``) itself; anything
    else (store, disk, lock time-out, a bug) is logged and reported to the App.
    """

    def decorate(
        method: Callable[Concatenate[W, P], None],
    ) -> Callable[Concatenate[W, P], Worker[None]]:
        @functools.wraps(method)
        def guarded(self: W, *args: P.args, **kwargs: P.kwargs) -> None:
            try:
                method(self, *args, **kwargs)
            except Exception as error:  # noqa: BLE001 - every failure ends calm, never the App
                where = f"{type(self).__name__}.{method.__name__}"
                log.exception("worker %s failed", where)
                app = host(self)
                with contextlib.suppress(RuntimeError):  # the App is already closing
                    self.app.call_from_thread(app.report_failure, error, where)

        return work(thread=True, exclusive=exclusive, group=group, exit_on_error=False)(guarded)

    return decorate


class MessageLine(Words):
    """The one line where a console pane, dialog or form says what just happened: plain
    text, a refusal marked ``lib-error`` and, where it shows successes apart, a success
    ``lib-ok`` (the words say which; the colour only repeats it)."""

    def __init__(
        self, text: str = "", *, id: str, classes: str = "", marks_success: bool = True
    ) -> None:
        super().__init__(text, id=id, classes=classes)
        self.marks_success = marks_success

    def say(self, text: str, error: bool = False) -> None:
        self.update(cell(text))
        self.set_class(error, "lib-error")
        if self.marks_success:
            self.set_class(not error, "lib-ok")
