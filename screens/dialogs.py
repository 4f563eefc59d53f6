"""Dialogs with typed results: the base ``Dialog[T]``, one yes/no question, ``FormScreen[T]``.

As Harlequin's ``HarlequinModal``: a dialog is a ``ModalScreen[T]`` that answers with
``dismiss(value)``; the caller gets a typed value (or None when the person backed out)
through ``push_screen(dialog, callback)``.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input

from kiosk.domain.errors import KioskError
from screens.common import ConsoleWords, MessageLine, cell, refusal_words
from screens.widgets.words import Words, WordsLabel

T = TypeVar("T")


class Dialog(ModalScreen[T], ConsoleWords):
    """A modal over the current screen; escape backs out (``answer_back``). Its words are
    the console's (``self.t``): dialogs of this look are the librarian's."""

    BINDINGS = [Binding("escape", "back", "lib.back", id="dialog-back")]
    DEFAULT_CLASSES = "lib-modal"
    # The first field or button takes the keys, never the scrolling box around them
    # (Textual's default "*" would focus the box: the dialog seemed to have no focus).
    AUTO_FOCUS = "Input, Select, SelectionList, RadioSet, Checkbox, TextArea, DataTable, Button"

    def answer_back(self) -> None:
        """What backing out answers: None unless the dialog says otherwise."""
        self.dismiss(None)

    def action_back(self) -> None:
        self.answer_back()


class YesNoScreen(Dialog[bool]):
    """A yes/no question with an optional list of plain lines (e.g. the bookings affected).

    True = yes. No, escape and backing out answer False; "no" has the focus, so a stray
    Enter never says yes. Another look overrides ``compose`` and the two button ids.
    """

    YES_ID = "confirm-yes"
    NO_ID = "confirm-no"

    def __init__(
        self,
        title: str,
        body: str = "",
        lines: list[str] | None = None,
        yes: str | None = None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._title = title
        self._body = body
        self._lines = lines or []
        self._yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(classes="lib-dialog", id="confirm-dialog"):
            yield WordsLabel(self._title, classes="lib-dialog-title", markup=False)
            yield Words(cell(self._body), classes="lib-dialog-body")
            if self._lines:
                with VerticalScroll(classes="lib-affected"):
                    for line in self._lines:
                        yield Words(cell("• " + line))
            with Horizontal(classes="lib-buttons"):
                yield Button(self._yes or self.t("lib.yes"), id="confirm-yes", variant="error")
                yield Button(self.t("lib.no"), id="confirm-no", variant="primary")

    def on_mount(self) -> None:
        self.query_one(f"#{self.NO_ID}", Button).focus()

    def answer_back(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed)
    def _answered(self, event: Button.Pressed) -> None:
        if event.button.id in (self.YES_ID, self.NO_ID):
            self.dismiss(event.button.id == self.YES_ID)


class FormScreen(Dialog[T | None], Generic[T]):
    """A form that answers with the value it built, or None when the person backed out.

    Subclasses compose their fields, end with ``form_buttons()``, and implement ``build``
    (read the fields, validate with kiosk/domain/validation.py, raise ``KioskError`` to refuse).
    Save (or Enter in a field) answers with the built value; a form that writes to the
    store itself overrides ``save`` (and runs the write in a worker).
    """

    FORM_NAME = "form"  # ids: <name>-message, <name>-save, <name>-cancel

    def form_buttons(self) -> ComposeResult:
        name = self.FORM_NAME
        yield MessageLine(id=f"{name}-message", classes="lib-form-message", marks_success=False)
        with Horizontal(classes="lib-buttons"):
            yield Button(
                self.t("lib.save"), id=f"{name}-save", classes="lib-form-save", variant="primary"
            )
            yield Button(self.t("lib.back"), id=f"{name}-cancel", classes="lib-form-cancel")

    def value(self, selector: str) -> str:
        """What a field holds, without surrounding spaces."""
        return self.query_one(selector, Input).value.strip()

    def say(self, text: str) -> None:
        """A refusal under the form, in words and the error style."""
        self.query_one(".lib-form-message", MessageLine).say(text, error=True)

    def refuse(self, exc: BaseException) -> None:
        self.say(refusal_words(self.t, exc, ("lib.err",), staff=True))

    def build(self) -> T:
        raise NotImplementedError

    def save(self) -> None:
        try:
            value = self.build()
        except KioskError as exc:
            self.refuse(exc)
            return
        self.dismiss(value)

    @on(Button.Pressed, ".lib-form-save")
    @on(Input.Submitted)
    def action_save(self) -> None:
        self.save()

    @on(Button.Pressed, ".lib-form-cancel")
    def _cancel(self) -> None:
        self.dismiss(None)
