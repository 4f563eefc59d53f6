"""Errors the services raise for refusals a person can act on."""

from __future__ import annotations


class KioskError(Exception):
    """A refusal with a stable machine code and one plain-language line.

    ``code`` is stable (tests, CLI JSON, message catalogues key on it);
    ``message`` is an English sentence for logs and the CLI.
    """

    def __init__(self, code: str, message: str, **details: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class ValidationError(KioskError):
    """Bad input from a person (name, phone, date...)."""

    def __init__(self, field: str, code: str, message: str) -> None:
        super().__init__(code, message, field=field)
        self.field = field


class NotFound(KioskError):
    """Nothing matches the given code, id or slug."""


class Conflict(KioskError):
    """The request collides with the current state (time taken, limit reached...)."""
