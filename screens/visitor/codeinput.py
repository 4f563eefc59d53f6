"""The code field shared by look-up and check-in: what a scanner or a person may type."""

from __future__ import annotations

import re

from textual.widgets import Input

from kiosk.tickets import INPUT_ALPHABET, TOKEN_LENGTH

# Both alphabets in either case, plus the spaces and dashes people put in codes.
CODE_RESTRICT = rf"[{re.escape(INPUT_ALPHABET + INPUT_ALPHABET.lower())} \-]*"


class CodeInput(Input):
    """A booking code or a scanned ticket token; upper-cased as typed."""

    def __init__(self, placeholder: str = "", *, id: str | None = None) -> None:
        super().__init__(
            placeholder=placeholder,
            restrict=CODE_RESTRICT,
            max_length=TOKEN_LENGTH + 8,
            id=id,
            classes="v-code-input",
        )

    def restricted(self) -> None:
        """No bell on a refused character: a quiet kiosk."""
