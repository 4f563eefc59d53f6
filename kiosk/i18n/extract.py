"""The Babel extractor for symbolic msgids: every string literal shaped like a catalogue key.

Keys reach ``t(...)`` directly, but also as binding descriptions, dictionary values and
arguments of helpers, so the extractor does not rely on call names: ``"v.welcome.book"``
anywhere in the code is a use of that message. Keys the code builds, ``f"v.status.{x}"``,
are yielded as the pattern ``v.status.*`` (see ``kiosk.i18n.check``).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

KEY = re.compile(r"^(?:v|lib|date|s)\.[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$")
# The head of an f-string that builds a key: "v.status." in f"v.status.{booking.status}".
KEY_HEAD = re.compile(r"^(?:v|lib|date|s)\.(?:[A-Za-z0-9_]+\.)*[A-Za-z0-9_]*$")
DYNAMIC = "*"


def keys_in(source: str) -> Iterator[tuple[int, str]]:
    """``(line, key)`` for every key literal and ``(line, "head*")`` for every built key."""
    tree = ast.parse(source)
    # The literal pieces of an f-string are no keys of their own ("v.status." above).
    pieces = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(tree):
        if id(node) in pieces:
            continue
        if isinstance(node, ast.JoinedStr) and node.values:
            head = node.values[0]
            if (
                isinstance(head, ast.Constant)
                and isinstance(head.value, str)
                and KEY_HEAD.match(head.value)
            ):
                yield node.lineno, head.value + DYNAMIC
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.match(node.value)
        ):
            yield node.lineno, node.value


def extract_keys(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """Babel's extractor interface (babel.cfg names it); keywords play no part here."""
    source = fileobj.read().decode(str(options.get("encoding", "utf-8")))
    for line, key in keys_in(source):
        yield line, None, key, []
