"""An e-scout's certificate of volunteer hours from the console: the period (last month
unless the librarian types other dates) and the language, with the name it will carry (the
full name, else the display name, and a word that the full name is missing)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Select

from kiosk.domain.errors import ErrorCode, ValidationError
from kiosk.domain.models import Scout
from kiosk.domain.validation import parse_day
from screens.common import MessageLine, plain
from screens.dialogs import FormScreen
from screens.widgets.words import Words, WordsLabel

CERTIFICATE_LANGUAGES = ("lt", "en")  # the languages of the console's catalogue


@dataclass(frozen=True)
class CertificateRequest:
    scout: str
    first: date
    last: date
    lang: str


def last_month(today: date) -> tuple[date, date]:
    """The first and last day of the month before ``today``'s."""
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


class CertificateFormScreen(FormScreen[CertificateRequest]):
    """From, to and language; "Make certificate" answers with the request."""

    FORM_NAME = "cert-form"

    def __init__(self, scout: Scout, today: date, lang: str) -> None:
        super().__init__(id="cert-form")
        self.scout = scout
        self.today = today
        self.lang = lang if lang in CERTIFICATE_LANGUAGES else CERTIFICATE_LANGUAGES[0]

    def compose(self) -> ComposeResult:
        t = self.t
        first, last = last_month(self.today)
        named = self.scout.certificate_name
        if self.scout.full_name:
            note = t("lib.scouts.cert.named", name=named)
        else:
            note = t("lib.scouts.cert.no_full_name", name=named)
        with VerticalScroll(classes="lib-dialog"):
            yield WordsLabel(
                t("lib.scouts.cert.form_title", name=self.scout.name),
                classes="lib-dialog-title",
                markup=False,
            )
            yield Words(plain(note), id="cert-form-name")
            yield WordsLabel(t("lib.scouts.cert.from"))
            yield Input(first.isoformat(), id="cert-from", max_length=10)
            yield WordsLabel(t("lib.scouts.cert.to"))
            yield Input(last.isoformat(), id="cert-to", max_length=10)
            yield WordsLabel(t("lib.scouts.cert.lang"))
            yield Select(
                [(lang.upper(), lang) for lang in CERTIFICATE_LANGUAGES],
                value=self.lang,
                allow_blank=False,
                id="cert-lang",
            )
            yield MessageLine(
                id="cert-form-message", classes="lib-form-message", marks_success=False
            )
            with Horizontal(classes="lib-buttons"):
                yield Button(
                    t("lib.scouts.cert.issue"),
                    id="cert-form-save",
                    classes="lib-form-save",
                    variant="primary",
                )
                yield Button(t("lib.back"), id="cert-form-cancel", classes="lib-form-cancel")

    def build(self) -> CertificateRequest:
        first = parse_day(self.value("#cert-from"), "from")
        last = parse_day(self.value("#cert-to"), "to")
        if last < first:
            raise ValidationError(ErrorCode.BAD_PERIOD, f"{last} is before {first}", field="to")
        lang = self.query_one("#cert-lang", Select).value
        return CertificateRequest(self.scout.id, first, last, str(lang))
