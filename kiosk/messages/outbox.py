"""One run of ``kiosk remind``: send what is due, log each result, say what happened.

Run by the deploy timer every 15 minutes. Before anything goes, the set-up is checked for
what is due: a text needs the gateway's URL, an e-mail the SMTP server and sender, and a
visitor's message the library's phone (every message tells them whom to call). A run with
nothing due needs none of them.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from typing import Any, Protocol

from kiosk.domain.errors import ErrorCode, KioskError
from kiosk.domain.models import Settings
from kiosk.domain.reminders import Channel, Kind, Outgoing, RemindService
from kiosk.messages.mail import SmtpMailer
from kiosk.messages.sms import SendFailed, SmsGateway
from kiosk.messages.text import render, sms_parts, subject


class TextSender(Protocol):
    def send(self, to: str, text: str) -> None: ...


class MailSender(Protocol):
    def send(self, to: str, subject: str, text: str) -> None: ...


@dataclass
class RunResult:
    dry_run: bool
    sent: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, Any]] = field(default_factory=list)
    would_send: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"dry_run": self.dry_run}
        if self.dry_run:
            out["would_send"] = self.would_send
        else:
            out["sent"] = self.sent
            out["failed"] = self.failed
        return out


def check_setup(messages: list[Outgoing], settings: Settings) -> None:
    """KioskError (``messages_config``) naming the first setting the due messages need."""
    channels = {m.channel for m in messages}
    visitors = any(m.kind != Kind.SHIFT for m in messages)
    missing = []
    if Channel.SMS in channels and not settings.sms_gateway_url:
        missing.append("sms_gateway_url")
    if Channel.EMAIL in channels:
        missing += [k for k in ("smtp_host", "smtp_from") if not getattr(settings, k)]
    if visitors and not settings.library_phone:
        missing.append("library_phone")
    if missing:
        raise KioskError(
            ErrorCode.MESSAGES_CONFIG,
            f"{len(messages)} message(s) due but {', '.join(missing)} not set "
            f"(kiosk config set {missing[0]} ...)",
        )


def _about(message: Outgoing) -> dict[str, Any]:
    """What the run reports of a message: no phone, no address, no text."""
    return {
        "kind": str(message.kind),
        "channel": str(message.channel),
        "ref": message.ref,
        "start": message.start.isoformat(),
    }


def run(
    remind: RemindService,
    dry_run: bool = False,
    sms: TextSender | None = None,
    mail: MailSender | None = None,
    tls: ssl.SSLContext | None = None,
) -> RunResult:
    """Send every message due (or, ``dry_run``, list them with their text and change
    nothing). ``sms``/``mail`` replace the configured channels (tests use local servers
    through the real ones; ``tls`` is the context SMTP trusts)."""
    due = remind.due(dry_run=dry_run)
    result = RunResult(dry_run)
    if not due.messages:
        return result
    settings = due.settings
    if dry_run:
        for message in due.messages:
            text = render(message, due.library_phone)
            parts = sms_parts(text)
            result.would_send.append(
                {
                    **_about(message),
                    "language": message.language,
                    "text": text,
                    "parts": parts.parts,
                    "encoding": parts.encoding,
                }
            )
        return result
    check_setup(due.messages, settings)
    sms = sms or SmsGateway(
        settings.sms_gateway_url, settings.sms_gateway_token, settings.sms_body_template
    )
    mail = mail or SmtpMailer(
        settings.smtp_host,
        settings.smtp_port,
        settings.smtp_user,
        settings.smtp_password,
        settings.smtp_from,
        context=tls,
    )
    for message in due.messages:
        text = render(message, due.library_phone)
        try:
            if message.channel == Channel.SMS:
                sms.send(message.to, text)
            else:
                mail.send(message.to, subject(message), text)
        except SendFailed as exc:
            row = remind.record(message, ok=False, error=str(exc))
            result.failed.append(
                {
                    **_about(message),
                    "error": row.error,
                    "attempts": row.attempts,
                    "status": row.status,
                }
            )
            continue
        remind.record(message, ok=True)
        result.sent.append(_about(message))
    return result
