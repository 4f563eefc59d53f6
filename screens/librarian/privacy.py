"""Privacy and safety: what retention erased, erase now, backups and restore."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, DataTable, Static

from kiosk.domain.retention import PurgeResult
from kiosk.i18n import Translator
from screens.common import cell, services_of, store_work
from screens.dialogs import YesNoScreen
from screens.librarian.common import ConsolePane, MessageLine, cursor_key
from screens.widgets.words import Words, WordsLabel


@dataclass
class PrivacyData:
    retention_days: int
    log: list[PurgeResult]
    backups: list[Path]


class PrivacyPane(Vertical, ConsolePane):
    @dataclass
    class Loaded(Message):
        data: PrivacyData

    @dataclass
    class Done(Message):
        text: str
        error: bool = False

    def compose(self) -> ComposeResult:
        t = self.t
        yield WordsLabel(t("lib.privacy.title"), classes="lib-heading")
        yield Words("", id="privacy-rule")
        with Horizontal(classes="lib-buttons"):
            yield Button(t("lib.privacy.purge"), id="privacy-purge", variant="warning")
        yield DataTable(id="purge-table", cursor_type="row")
        yield WordsLabel(t("lib.backup.title"), classes="lib-heading")
        yield DataTable(id="backup-table", cursor_type="row")
        with Horizontal(classes="lib-buttons"):
            yield Button(t("lib.backup.make"), id="backup-make", variant="primary")
            yield Button(t("lib.backup.restore"), id="backup-restore", variant="error")
        yield MessageLine(id="privacy-message")

    def on_mount(self) -> None:
        t = self.t
        self.query_one("#purge-table", DataTable).add_columns(
            t("lib.privacy.when"), t("lib.privacy.count"), t("lib.privacy.codes")
        )
        self.query_one("#backup-table", DataTable).add_columns(
            t("lib.backup.file"), t("lib.backup.size"), t("lib.backup.made")
        )
        self.reload()

    def reload(self) -> None:
        self._load()

    @store_work(group="privacy-load")
    def _load(self) -> None:
        services = services_of(self)
        self.post_message(
            self.Loaded(
                PrivacyData(
                    services.booking.settings().retention_days,
                    services.retention.log(),
                    services.maintenance.backups(),
                )
            )
        )

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        data = message.data
        t = self.t
        self.query_one("#privacy-rule", Static).update(
            cell(t.n("lib.privacy.rule_days", data.retention_days))
        )
        purges = self.query_one("#purge-table", DataTable)
        purges.clear()
        for p in data.log:
            codes = ", ".join(e.code for e in p.erased[:12]) + (" …" if p.count > 12 else "")
            purges.add_row(cell(f"{p.at:%Y-%m-%d %H:%M}"), cell(str(p.count)), cell(codes))
        if not data.log:
            purges.add_row(cell(t("lib.privacy.none")), cell(""), cell(""))
        backups = self.query_one("#backup-table", DataTable)
        backups.clear()
        for path in data.backups:
            try:
                stat = path.stat()
            except OSError:
                continue
            backups.add_row(
                cell(path.name),
                cell(f"{stat.st_size / 1024:.1f} KB"),
                cell(f"{datetime.fromtimestamp(stat.st_mtime):%Y-%m-%d %H:%M}"),
                key=str(path),
            )

    @on(Done)
    def _done(self, message: Done) -> None:
        self.say(message.text, message.error)
        self.reload()

    @on(Button.Pressed, "#privacy-purge")
    def run_purge(self) -> None:
        self._purge(self.t)

    @store_work(group="privacy-purge")
    def _purge(self, t: Translator) -> None:
        services = services_of(self)
        result = services.retention.purge()
        self.post_message(self.Done(t.n("lib.privacy.erased", result.count)))

    @on(Button.Pressed, "#backup-make")
    def make_backup(self) -> None:
        self._backup(self.t)

    @store_work(group="privacy-backup")
    def _backup(self, t: Translator) -> None:
        path = services_of(self).maintenance.backup()
        self.post_message(self.Done(t("lib.backup.made_to", path=str(path))))

    @on(Button.Pressed, "#backup-restore")
    def restore(self) -> None:
        t = self.t
        table = self.query_one("#backup-table", DataTable)
        if table.row_count == 0:
            self.say(t("lib.backup.none"), error=True)
            return
        key = cursor_key(table)
        if key is None:
            return
        path = Path(key)

        def answered(yes: bool | None) -> None:
            if yes:
                self._restore(t, path)

        self.app.push_screen(
            YesNoScreen(
                t("lib.backup.confirm_title"),
                t("lib.backup.confirm_body"),
                [path.name],
                yes=t("lib.backup.restore_yes"),
            ),
            answered,
        )

    @store_work(group="privacy-backup")
    def _restore(self, t: Translator, path: Path) -> None:
        try:
            services_of(self).maintenance.restore(path)
        except Exception as exc:  # noqa: BLE001 - shown to the librarian as it is
            self.post_message(self.Done(t("lib.backup.failed", error=str(exc)), error=True))
            return
        self.post_message(self.Done(t("lib.backup.restored", name=path.name)))
