"""E-mail through the library's SMTP server (the standard library's smtplib).

STARTTLS is required (port 465: TLS from the first byte): a server that does not offer it
gets nothing, since the message holds a name's booking and the login its password.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

from kiosk.messages.sms import SendFailed

TIMEOUT = 20
IMPLICIT_TLS_PORT = 465


class SmtpMailer:
    def __init__(
        self,
        host: str,
        port: int,
        user: str,
        password: str,
        sender: str,
        context: ssl.SSLContext | None = None,
        timeout: float = TIMEOUT,
    ) -> None:
        self.host, self.port = host, port
        self.user, self.password = user, password
        self.sender = sender
        # The system's trusted CAs unless given (tests trust their own certificate).
        self.context = context or ssl.create_default_context()
        self.timeout = timeout

    def send(self, to: str, subject: str, text: str) -> None:
        """Send one plain-text e-mail; SendFailed with a short reason if it was not taken."""
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, to, subject
        mail.set_content(text)
        try:
            if self.port == IMPLICIT_TLS_PORT:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=self.context
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                if self.port != IMPLICIT_TLS_PORT:
                    smtp.ehlo()
                    if not smtp.has_extn("starttls"):
                        raise SendFailed("the SMTP server offers no STARTTLS")
                    smtp.starttls(context=self.context)
                    smtp.ehlo()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(mail)
        except SendFailed:
            raise
        except smtplib.SMTPException as exc:
            raise SendFailed(f"SMTP refused: {type(exc).__name__}") from None
        except (OSError, ssl.SSLError) as exc:
            raise SendFailed(f"SMTP unreachable: {exc.strerror or exc}") from None
