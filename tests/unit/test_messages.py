"""The messages' words and channels: every text within its SMS parts in every language, and
e-mail through a real SMTP server on 127.0.0.1 that requires STARTTLS (aiosmtpd, with a
self-signed certificate made for the test by the openssl command)."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from datetime import datetime
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from kiosk.domain.reminders import Channel, Kind, Outgoing
from kiosk.i18n import Translator
from kiosk.messages.mail import SmtpMailer
from kiosk.messages.sms import SendFailed, body
from kiosk.messages.text import MAX_PARTS, fold_to_gsm7, render, sms_parts
from tests.conftest import TZ

# Realistic long values: the longest place, topic and phone a library is likely to have.
LONG_PLACE = "Vaikų ir jaunimo skyrius, 3 stalas"
LONG_TOPIC = {
    "lt": "Valstybės e. paslaugos ir el. parašas",
    "en": "Public e-services and e-signature",
    "pl": "E-usługi publiczne i podpis elektroniczny",
    "ru": "Государственные э-услуги и э-подпись",
    "uk": "Державні е-послуги та електронний підпис",
}
# The month with the longest name in each language, on a two-digit day.
LONG_DAY = datetime(2026, 9, 30, 16, 30, tzinfo=TZ)
LIBRARY_PHONE = "+37052123456"


def _message(kind: Kind, lang: str) -> Outgoing:
    return Outgoing(
        "key",
        kind,
        Channel.SMS,
        "ref",
        "+37061234567",
        lang,
        LONG_DAY,
        LONG_DAY,
        LONG_PLACE,
        topic=LONG_TOPIC[lang],
        code="K7M2PX",
    )


VISITOR_LANGUAGES = ["lt", "en", "pl", "ru", "uk"]
CASES = [(k, lang) for k in (Kind.REMINDER, Kind.OFFER, Kind.SORRY) for lang in VISITOR_LANGUAGES]
CASES += [(Kind.SHIFT, "lt"), (Kind.SHIFT, "en")]


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_every_message_fits_its_parts_with_long_values(kind: Kind, lang: str) -> None:
    text = render(_message(kind, lang), LIBRARY_PHONE)
    parts = sms_parts(text)
    if lang == "en":  # GSM-7: one 160-character part, the place's letters folded
        assert parts.encoding == "gsm7" and parts.parts == 1, (text, parts)
    else:  # UCS-2: 70 characters in one part, 67 each when split
        assert parts.parts <= MAX_PARTS, (text, parts)
    assert "{" not in text and "+370 5 212 3456" in text, text
    if kind in (Kind.REMINDER, Kind.SHIFT):
        assert fold_to_gsm7(LONG_PLACE) in text or LONG_PLACE in text


def test_a_text_is_counted_as_the_network_counts_it() -> None:
    assert sms_parts("a" * 160).parts == 1 and sms_parts("a" * 161).parts == 2
    assert sms_parts("€" * 80).units == 160  # the extension table: two septets each
    assert sms_parts("ą" * 70).parts == 1 and sms_parts("ą" * 71).parts == 2
    assert sms_parts("ą" * 134).parts == 2 and sms_parts("ą" * 135).parts == 3
    assert sms_parts("😀" * 35).units == 70  # outside the BMP: two UTF-16 units each
    assert fold_to_gsm7("Vaikų skyrius, Šiauliai") == "Vaiku skyrius, Siauliai"


def test_the_gateway_body_fills_the_template_as_json() -> None:
    template = '{"to": "{to}", "message": {"body": "{text}", "from": "Biblioteka"}}'
    sent = body(template, "+37061234567", 'Kodas "K7" \\ {x}')
    import json

    assert json.loads(sent) == {
        "to": "+37061234567",
        "message": {"body": 'Kodas "K7" \\ {x}', "from": "Biblioteka"},
    }


def test_the_date_in_a_text_is_the_languages_own() -> None:
    assert "rugsėjo 30 d." in render(_message(Kind.REMINDER, "lt"), LIBRARY_PHONE)
    assert "Wed 30 Sep at 16:30" in render(_message(Kind.REMINDER, "en"), LIBRARY_PHONE)
    assert Translator("en")("s.sms.shift").startswith("E-scout shift")


# -- e-mail through SMTP with STARTTLS ---------------------------------------------------------


class _Inbox:
    def __init__(self) -> None:
        self.mails: list[Any] = []
        self.tls: list[bool] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.mails.append(message_from_bytes(envelope.content))
        self.tls.append(session.ssl is not None)
        return "250 OK"


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("no openssl command to make the test's certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def smtp(certificate: tuple[Path, Path]) -> Iterator[tuple[_Inbox, int, ssl.SSLContext]]:
    cert, key = certificate
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    inbox = _Inbox()
    # aiosmtpd's start() connects to its own port to see it up: it needs the number first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=server_tls, require_starttls=True
    )
    controller.start()
    client_tls = ssl.create_default_context(cafile=str(cert))
    try:
        yield inbox, port, client_tls
    finally:
        controller.stop()


def test_an_email_goes_over_starttls_to_a_server_that_requires_it(smtp: Any) -> None:
    inbox, port, tls = smtp
    mailer = SmtpMailer("127.0.0.1", port, "", "", "biblioteka@example.lt", context=tls)
    mailer.send("ona@example.lt", "Jūsų konsultacija", "Priminimas: rytoj 14:00, K7M2PX")
    [mail] = inbox.mails
    assert inbox.tls == [True]
    assert mail["To"] == "ona@example.lt" and "K7M2PX" in mail.get_payload(decode=True).decode()


def test_an_untrusted_certificate_is_refused_and_nothing_is_sent(smtp: Any) -> None:
    inbox, port, _tls = smtp
    mailer = SmtpMailer("127.0.0.1", port, "", "", "biblioteka@example.lt")
    with pytest.raises(SendFailed):
        mailer.send("ona@example.lt", "s", "t")
    assert inbox.mails == []


def test_kiosk_remind_sends_an_email_reminder_over_starttls(demo: Any, smtp: Any) -> None:
    from datetime import timedelta

    from kiosk.messages.outbox import run
    from tests.conftest import NOW, put_settings

    inbox, port, tls = smtp
    put_settings(
        demo,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="biblioteka@example.lt",
        library_phone=LIBRARY_PHONE,
    )
    tomorrow = NOW.date() + timedelta(days=1)
    slot = next(s for s in demo.booking.free_slots("smartphone") if s.start.date() == tomorrow)
    code = demo.booking.book(
        "smartphone", slot.start, "Ona", email="ona@example.lt", scout=slot.scout, remind=True
    ).booking.code
    demo.clock.current = NOW.replace(hour=18)
    sent = run(demo.remind, tls=tls).sent
    assert run(demo.remind, tls=tls).sent == []  # once
    assert [(m["channel"], m["ref"]) for m in sent] == [("email", code)]
    [mail] = inbox.mails
    subject = str(make_header(decode_header(mail["Subject"])))
    assert subject == "Jūsų konsultacija bibliotekoje" and inbox.tls == [True]
    assert code in mail.get_payload(decode=True).decode()
