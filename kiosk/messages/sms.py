"""Text messages through the library's HTTP SMS gateway (the standard library's urllib).

One POST per message: the body is ``Settings.sms_body_template`` (JSON) with every string
``"{to}"`` and ``"{text}"`` in it replaced by the number and the text, so any gateway that
takes JSON can be described without code; ``Authorization: Bearer <token>`` when a token
is set. Any 2xx answer is a sent message; anything else, or no answer within ``TIMEOUT``
seconds, is a failure with a short reason (never the text or the number).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlsplit

TIMEOUT = 15


class SendFailed(Exception):
    """A message was not accepted; the reason is short and holds no personal data."""


def check_gateway_url(raw: str) -> str:
    """An http(s) URL with a host, or empty; ValueError otherwise."""
    text = raw.strip()
    if not text:
        return ""
    parts = urlsplit(text)
    spaced = any(c.isspace() for c in text)
    if parts.scheme not in ("http", "https") or not parts.hostname or spaced:
        raise ValueError(text)
    return text


def check_template(raw: str) -> str:
    """A JSON body with ``"{to}"`` and ``"{text}"`` among its strings; ValueError otherwise."""
    try:
        body = json.loads(raw)
    except json.JSONDecodeError:
        raise ValueError(raw) from None
    strings = set(_strings(body))
    if not any("{to}" in s for s in strings) or not any("{text}" in s for s in strings):
        raise ValueError(raw)
    return raw.strip()


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _fill(value: Any, to: str, text: str) -> Any:
    if isinstance(value, str):
        return value.replace("{to}", to).replace("{text}", text)
    if isinstance(value, dict):
        return {k: _fill(v, to, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, to, text) for v in value]
    return value


def body(template: str, to: str, text: str) -> bytes:
    """The request body for one message."""
    return json.dumps(_fill(json.loads(template), to, text), ensure_ascii=False).encode()


class SmsGateway:
    def __init__(self, url: str, token: str, template: str, timeout: float = TIMEOUT) -> None:
        self.url = url
        self.token = token
        self.template = template
        self.timeout = timeout

    def send(self, to: str, text: str) -> None:
        """Hand one text to the gateway; SendFailed if it was not accepted."""
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(
            self.url, data=body(self.template, to, text), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                status = answer.status
        except urllib.error.HTTPError as exc:
            raise SendFailed(f"gateway answered {exc.code} {exc.reason}") from None
        except (urllib.error.URLError, OSError) as exc:
            why = getattr(exc, "reason", None) or exc
            raise SendFailed(f"gateway unreachable: {why}") from None
        if not 200 <= status < 300:
            raise SendFailed(f"gateway answered {status}")
