"""Messages to visitors and e-scouts: what is due, the send log, offers of freed times.

Nothing here talks to a network: ``kiosk remind`` (kiosk/messages/outbox.py) asks
``RemindService.due`` what to send, sends it, and reports each result back
(``RemindService.record``). A kiosk or a console only writes to the store (a freed time, a
"sorry" message queued), so none of them ever waits on a gateway.

Kinds of message, each sent only with consent and to a contact still on record:
- ``reminder``: the day before a booking (``Settings.remind_at``), or, for one made later
  than that, ``Settings.remind_same_day_hours`` before its start. Keyed by the booking and
  its start, so a moved booking gets one for its new time and never two for one time.
- ``offer``: a time of a topic freed up (a cancel, a move: ``note_freed``; a new extra
  session: ``note_new_session``); the first
  waiting-list entry of that topic whose language the time's e-scout speaks, with consent
  and a phone, gets one text (each entry at most one, ever).
- ``shift``: the day before a shift, to an e-scout who agreed (``Scout.shift_sms``).
- ``sorry``: queued by the librarian from the "to call" list; once sent, the call mark is
  cleared as "reached another way".

The log (``MESSAGES``) keeps the booking's code (or the entry's, or the e-scout's id), the
channel, times, status and a short error: never the text, never a phone or an address (those
are read from the booking, entry or e-scout at send time, so the retention purge erasing them
there ends every later send). Rows older than ``Settings.retention_days`` are dropped by
each run. A failed send is tried again by the next runs, at most ``MAX_ATTEMPTS`` times; a
message that gave up stays on the log as ``failed`` for the librarian while its time is
ahead.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from db import Store, Tx
from kiosk.domain.clock import Clock, as_local
from kiosk.domain.errors import Conflict, ErrorCode, NotFound, ValidationError
from kiosk.domain.models import (
    Booking,
    BookingStatus,
    CallOutcome,
    DatedException,
    Scout,
    Settings,
    WaitlistEntry,
)
from kiosk.domain.records import BOOKINGS, SCOUTS, load_availability, load_settings, load_topics
from kiosk.domain.scheduling import local, scout_sessions
from kiosk.domain.service import StoreService
from kiosk.domain.validation import normalize_phone

if TYPE_CHECKING:
    from kiosk.domain.booking import BookingService

MESSAGES = "messages"  # the send log
FREED = "freed_times"  # times freed up, waiting for the next run to offer them
WAITLIST_TABLE = "waitlist"  # kiosk.domain.waitlist.WAITLIST (which imports the booking rules)
MAX_ATTEMPTS = 3
ERROR_MAX = 120  # characters of a failure's reason kept on the log
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
EMAIL_MAX = 120


class Kind(StrEnum):
    REMINDER = "reminder"
    OFFER = "offer"
    SHIFT = "shift"
    SORRY = "sorry"


class Channel(StrEnum):
    SMS = "sms"
    EMAIL = "email"


class SendStatus(StrEnum):
    QUEUED = "queued"  # a sorry or an offer waiting for the next run
    SENT = "sent"
    RETRY = "retry"  # failed, tried again by the next run
    FAILED = "failed"  # gave up after MAX_ATTEMPTS
    DROPPED = "dropped"  # no longer to send: cancelled, time passed, contact erased

    @property
    def pending(self) -> bool:
        return self in (SendStatus.QUEUED, SendStatus.RETRY)


def check_email(raw: str | None) -> str | None:
    """An e-mail address as given (trimmed), None when empty; ValidationError if it is not
    one."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) > EMAIL_MAX or not _EMAIL.match(text):
        raise ValidationError(
            ErrorCode.EMAIL_INVALID, f"{text[:40]!r} is not an e-mail address", field="email"
        )
    return text


def check_consent(remind: bool, phone: str | None, email: str | None) -> None:
    """A reminder needs somewhere to go: refused without a phone or an e-mail address."""
    if remind and not phone and not email:
        raise ValidationError(
            ErrorCode.REMIND_NEEDS_CONTACT,
            "a reminder needs the visitor's phone (or e-mail address)",
            field="phone",
        )


def note_freed(tx: Tx, booking: Booking, at: datetime) -> None:
    """Record that ``booking``'s time is free again (inside the cancel's or move's own
    transaction), for the next run to offer it to someone waiting for its topic."""
    if booking.starts <= at:
        return
    tx.insert(
        FREED,
        {
            "id": uuid.uuid4().hex[:12],
            "topic": booking.topic,
            "start": booking.start,
            "scout": booking.scout,
            "at": at.isoformat(),
        },
    )


def note_new_session(tx: Tx, session: DatedException, topics: list[str], at: datetime) -> None:
    """Record an extra session's times as free (inside its save's transaction): the next run
    offers its first free time of each of ``topics`` to someone waiting for that topic."""
    if session.start is None or session.end is None:
        return
    start = local(session.day, time.fromisoformat(session.start))
    end = local(session.day, time.fromisoformat(session.end))
    if end <= at:
        return
    waiting = {d.get("topic") for d in tx.all(WAITLIST_TABLE) if d.get("remind")}
    for topic in topics:
        if topic not in waiting:
            continue
        tx.insert(
            FREED,
            {
                "id": uuid.uuid4().hex[:12],
                "topic": topic,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "scout": session.scout,
                "at": at.isoformat(),
            },
        )


def reminder_due_at(booking: Booking, settings: Settings) -> datetime:
    """When the reminder of ``booking`` goes: ``remind_at`` the day before, or, for a
    booking made after that moment, ``remind_same_day_hours`` before the start."""
    day_before = local(booking.starts.date() - timedelta(days=1), _remind_at(settings))
    made = as_local(datetime.fromisoformat(booking.created_at)) if booking.created_at else None
    if made is None or made < day_before:
        return day_before
    return booking.starts - timedelta(hours=settings.remind_same_day_hours)


def _remind_at(settings: Settings) -> time:
    try:
        return time.fromisoformat(settings.remind_at)
    except ValueError:
        raise ValidationError(
            ErrorCode.BAD_TIME,
            f"remind_at {settings.remind_at!r:.20} is not HH:MM",
            field="remind_at",
        ) from None


@dataclass
class LogRow:
    """One message on the send log (no text, no phone, no address)."""

    id: str
    key: str  # one message: "reminder:<booking id>:<start>:<channel>" and so on
    kind: str  # Kind
    channel: str  # Channel
    ref: str  # the booking's code, the waiting-list entry's id or the e-scout's id
    start: str  # the time the message is about (ISO 8601)
    created_at: str
    status: str = SendStatus.QUEUED
    attempts: int = 0
    last_try_at: str | None = None
    sent_at: str | None = None
    error: str = ""
    # An offer: the e-scout of the freed time; when the entry was booked from the list.
    scout: str = ""
    served_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LogRow:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    @property
    def starts(self) -> datetime:
        return as_local(datetime.fromisoformat(self.start))


@dataclass(frozen=True)
class Outgoing:
    """One message to send now: everything its text needs, and where it goes."""

    key: str
    kind: Kind
    channel: Channel
    ref: str
    to: str  # the phone (E.164) or the e-mail address
    language: str
    start: datetime
    end: datetime
    place: str
    topic: str = ""  # the topic's name in ``language`` (offers, reminders)
    code: str = ""  # the booking's code (reminders, sorry)
    scout: str = ""
    retry_of: str | None = None  # the log row being tried again
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class Due:
    """What a run sends, and the offers it chose (already on the log unless a dry run)."""

    messages: list[Outgoing]
    library_phone: str
    settings: Settings


def _log(tx: Tx) -> dict[str, LogRow]:
    return {row.key: row for row in (LogRow.from_dict(d) for d in tx.all(MESSAGES))}


class RemindService(StoreService):
    def __init__(self, store: Store, clock: Clock, booking: BookingService) -> None:
        super().__init__(store, clock)
        self.booking = booking

    # -- what is due --------------------------------------------------------------------

    def due(self, dry_run: bool = False) -> Due:
        """Every message to send now. Chooses who gets each freed time (put on the log as
        queued offers, unless ``dry_run``); drops log rows older than the retention period
        and pending ones whose time has passed."""
        now = self.now()
        if not dry_run:
            with self.store.transaction() as tx:
                self._tidy(tx, now)
                self._choose_offers(tx, now, write=True)
            offers: list[Outgoing] = []
        with self.store.snapshot() as tx:
            settings = load_settings(tx)
            if dry_run:
                offers = self._choose_offers(tx, now, write=False)
            log = _log(tx)
            names = {t.slug: t for t in load_topics(tx)}
            out = [*self._reminders(tx, settings, log, now, names), *offers]
            out += self._queued(tx, log, now, names)
            out += self._shifts(tx, settings, log, now)
        return Due(out, settings.library_phone, settings)

    def _reminders(
        self,
        tx: Tx,
        settings: Settings,
        log: dict[str, LogRow],
        now: datetime,
        topics: dict[str, Any],
    ) -> list[Outgoing]:
        out = []
        for doc in tx.bookings_ending_after(now):
            if not doc.get("remind") or doc.get("status") != BookingStatus.BOOKED:
                continue
            booking = Booking.from_dict(doc)
            if booking.starts <= now or reminder_due_at(booking, settings) > now:
                continue
            contacts = [(Channel.SMS, booking.phone), (Channel.EMAIL, booking.email)]
            for channel, to in contacts:
                if not to:
                    continue
                key = f"{Kind.REMINDER}:{booking.id}:{booking.start}:{channel}"
                row = log.get(key)
                if row is not None and not SendStatus(row.status).pending:
                    continue
                out.append(
                    Outgoing(
                        key,
                        Kind.REMINDER,
                        channel,
                        booking.code,
                        to,
                        booking.language,
                        booking.starts,
                        booking.ends,
                        booking.place,
                        topic=_topic_name(topics, booking.topic, booking.language),
                        code=booking.code,
                        scout=booking.scout,
                        retry_of=row.id if row else None,
                    )
                )
        return out

    def _queued(
        self, tx: Tx, log: dict[str, LogRow], now: datetime, topics: dict[str, Any]
    ) -> list[Outgoing]:
        """Sorry messages and offers on the log, not yet sent."""
        out = []
        for row in log.values():
            if row.kind not in (Kind.SORRY, Kind.OFFER) or not SendStatus(row.status).pending:
                continue
            if row.kind == Kind.SORRY:
                found = self._sorry_message(tx, row)
            else:
                found = self._offer_message(tx, row, topics)
            if found is not None:
                out.append(found)
        return out

    def _sorry_message(self, tx: Tx, row: LogRow) -> Outgoing | None:
        doc = tx.find_booking(code=row.ref)
        if doc is None:
            return None
        booking = Booking.from_dict(doc)
        if not booking.remind or not booking.phone:
            return None
        return Outgoing(
            row.key,
            Kind.SORRY,
            Channel.SMS,
            booking.code,
            booking.phone,
            booking.language,
            row.starts,
            row.starts,
            booking.place,
            code=booking.code,
            retry_of=row.id,
        )

    def _offer_message(self, tx: Tx, row: LogRow, topics: dict[str, Any]) -> Outgoing | None:
        doc = tx.get(WAITLIST_TABLE, id=row.ref)
        if doc is None:
            return None
        entry = WaitlistEntry.from_dict(doc)
        if not entry.remind or not entry.phone:
            return None
        return Outgoing(
            row.key,
            Kind.OFFER,
            Channel.SMS,
            entry.id,
            entry.phone,
            entry.language,
            row.starts,
            row.starts,
            "",
            topic=_topic_name(topics, entry.topic, entry.language),
            scout=row.scout,
            retry_of=row.id,
        )

    def _shifts(
        self, tx: Tx, settings: Settings, log: dict[str, LogRow], now: datetime
    ) -> list[Outgoing]:
        """Tomorrow's shifts of e-scouts who agreed, from ``remind_at`` today."""
        if now < local(now.date(), _remind_at(settings)):
            return []
        tomorrow = now.date() + timedelta(days=1)
        scouts = [Scout.from_dict(d) for d in tx.all(SCOUTS)]
        wanted = [s for s in scouts if s.active and s.shift_sms and s.phone]
        if not wanted:
            return []
        availability = load_availability(tx, since=local(tomorrow, time()), on_day=tomorrow)
        out = []
        for scout in wanted:
            for start_t, end_t, place, _seats in scout_sessions(availability, scout, tomorrow):
                start, end = local(tomorrow, start_t), local(tomorrow, end_t)
                key = f"{Kind.SHIFT}:{scout.id}:{start.isoformat()}:{Channel.SMS}"
                row = log.get(key)
                if row is not None and not SendStatus(row.status).pending:
                    continue
                out.append(
                    Outgoing(
                        key,
                        Kind.SHIFT,
                        Channel.SMS,
                        scout.id,
                        scout.phone,
                        _scout_language(scout),
                        start,
                        end,
                        place,
                        scout=scout.id,
                        retry_of=row.id if row else None,
                    )
                )
        return out

    # -- offers ---------------------------------------------------------------------------

    def _choose_offers(self, tx: Tx, now: datetime, write: bool) -> list[Outgoing]:
        """For each freed time still free, the first matching waiting entry (as queued
        offers on the log when ``write``); every freed time is then done with."""
        freed = sorted(tx.all(FREED), key=lambda d: d["at"])
        if not freed:
            return []
        entries = sorted(
            (WaitlistEntry.from_dict(d) for d in tx.all(WAITLIST_TABLE)),
            key=lambda e: e.created_at,
        )
        topics = {t.slug: t for t in load_topics(tx)}
        chosen: list[Outgoing] = []
        taken: set[str] = set()
        for event in freed:
            if write:
                tx.remove(FREED, id=event["id"])
            start = as_local(datetime.fromisoformat(event["start"]))
            end = as_local(datetime.fromisoformat(event["end"])) if event.get("end") else None
            if (end or start) <= now:
                continue
            slot = self._free_slot(tx, event["topic"], start, now, end, event.get("scout", ""))
            if slot is None:
                continue
            entry = next(
                (
                    e
                    for e in entries
                    if e.topic == event["topic"]
                    and e.remind
                    and e.phone
                    and e.offered_at is None
                    and e.id not in taken
                    and (not slot.languages or e.language in slot.languages)
                ),
                None,
            )
            if entry is None or entry.phone is None:
                continue
            taken.add(entry.id)
            key = f"{Kind.OFFER}:{entry.id}:{Channel.SMS}"
            if write:
                row = LogRow(
                    uuid.uuid4().hex[:12],
                    key,
                    str(Kind.OFFER),
                    str(Channel.SMS),
                    entry.id,
                    slot.start.isoformat(),
                    now.isoformat(),
                    scout=slot.scout,
                )
                tx.insert(MESSAGES, row.to_dict())
                tx.update(WAITLIST_TABLE, {"offered_at": now.isoformat()}, id=entry.id)
            chosen.append(
                Outgoing(
                    key,
                    Kind.OFFER,
                    Channel.SMS,
                    entry.id,
                    entry.phone,
                    entry.language,
                    slot.start,
                    slot.end,
                    slot.place,
                    topic=_topic_name(topics, entry.topic, entry.language),
                    scout=slot.scout,
                )
            )
        return chosen

    def _free_slot(
        self,
        tx: Tx,
        topic: str,
        start: datetime,
        now: datetime,
        end: datetime | None = None,
        scout: str = "",
    ) -> Any:
        """The free slot of ``topic`` the kiosk would offer: the one at ``start`` (a freed
        time), or with ``end`` the first of ``scout``'s from ``start`` to ``end`` (a new
        session's); None when there is none."""
        availability = load_availability(tx, since=now, on_day=start.date())
        if topic not in {t.slug for t in load_topics(tx) if t.active}:
            return None
        slots = self.booking._slots(availability, topic, now, start.date(), 1, None)
        if end is None:
            return next((s for s in slots if s.start == start), None)
        return next(
            (s for s in slots if s.scout == scout and start <= s.start and s.end <= end), None
        )

    # -- results --------------------------------------------------------------------------

    def record(self, message: Outgoing, ok: bool, error: str = "") -> LogRow:
        """Put a send's result on the log: sent, or failed (tried again by the next runs,
        ``MAX_ATTEMPTS`` in all). A sent "sorry" clears the booking's call mark."""
        now = self.now()
        with self.store.transaction() as tx:
            doc = tx.get(MESSAGES, key=message.key)
            row = (
                LogRow.from_dict(doc)
                if doc
                else LogRow(
                    uuid.uuid4().hex[:12],
                    message.key,
                    str(message.kind),
                    str(message.channel),
                    message.ref,
                    message.start.isoformat(),
                    now.isoformat(),
                    scout=message.scout,
                )
            )
            row.attempts += 1
            row.last_try_at = now.isoformat()
            if ok:
                row.status, row.sent_at, row.error = str(SendStatus.SENT), now.isoformat(), ""
            else:
                row.error = " ".join(error.split())[:ERROR_MAX]
                gave_up = row.attempts >= MAX_ATTEMPTS
                row.status = str(SendStatus.FAILED if gave_up else SendStatus.RETRY)
            if doc:
                tx.update(MESSAGES, row.to_dict(), key=message.key)
            else:
                tx.insert(MESSAGES, row.to_dict())
            if ok and message.kind == Kind.SORRY:
                self._clear_call(tx, message.code, now)
        return row

    @staticmethod
    def _clear_call(tx: Tx, code: str, now: datetime) -> None:
        doc = tx.find_booking(code=code)
        if doc is None or not doc.get("to_call"):
            return
        cleared = Booking.from_dict(doc).call_cleared(CallOutcome.OTHER_WAY, "sms", now)
        tx.update(BOOKINGS, cleared.to_dict(), id=cleared.id)

    def _tidy(self, tx: Tx, now: datetime) -> None:
        """Drop log rows past the retention period; stop trying what is too late."""
        days = load_settings(tx).retention_days
        for doc in tx.all(MESSAGES):
            row = LogRow.from_dict(doc)
            made = as_local(datetime.fromisoformat(row.created_at))
            if made + timedelta(days=days) <= now:
                tx.remove(MESSAGES, key=row.key)
            elif SendStatus(row.status).pending and row.starts <= now:
                tx.update(MESSAGES, {"status": str(SendStatus.DROPPED)}, key=row.key)
        for doc in tx.all(FREED):
            if as_local(datetime.fromisoformat(doc["start"])) <= now:
                tx.remove(FREED, id=doc["id"])

    # -- the librarian ----------------------------------------------------------------------

    def queue_sorry(self, code: str) -> LogRow:
        """Queue the "sorry, your consultation is moved or cancelled" text for a booking on
        the "to call" list whose visitor agreed to messages; the next run sends it."""
        now = self.now()
        with self.store.transaction() as tx:
            doc = tx.find_booking(code=code)
            if doc is None:
                raise NotFound(ErrorCode.UNKNOWN_CODE, f"no booking with code {code!r}")
            booking = Booking.from_dict(doc)
            if not booking.to_call:
                raise Conflict(ErrorCode.NOTHING_TO_CALL, f"booking {code} has no one to call")
            if not booking.remind or not booking.phone:
                raise Conflict(
                    ErrorCode.NO_MESSAGE_CONSENT,
                    f"the visitor of booking {code} did not agree to text messages",
                )
            key = f"{Kind.SORRY}:{booking.id}:{booking.to_call_at}:{Channel.SMS}"
            # The time the visitor knows: before a move, the one they were given.
            moves = [c for c in booking.changes if c.get("move")]
            known = moves[-1]["was_start"] if booking.to_call == "moved" and moves else None
            found = tx.get(MESSAGES, key=key)
            if found is not None:
                return LogRow.from_dict(found)
            row = LogRow(
                uuid.uuid4().hex[:12],
                key,
                str(Kind.SORRY),
                str(Channel.SMS),
                booking.code,
                known or booking.start,
                now.isoformat(),
            )
            tx.insert(MESSAGES, row.to_dict())
        return row

    def set_scout_sms(self, scout_id: str, phone: str | None, agree: bool) -> Scout:
        """An e-scout's consent to a text the day before each shift (given to the librarian),
        with the phone it goes to; ``agree=False`` stops the texts (the phone stays for the
        librarian, as ``contact`` does)."""
        phone_norm = normalize_phone(phone)
        with self.store.transaction() as tx:
            doc = tx.get(SCOUTS, id=scout_id)
            if doc is None:
                raise NotFound(ErrorCode.UNKNOWN_SCOUT, f"no e-scout {scout_id!r}")
            scout = Scout.from_dict(doc)
            number = phone_norm or scout.phone
            if agree and not number:
                raise ValidationError(
                    ErrorCode.PHONE_REQUIRED, "shift texts need the e-scout's phone", field="phone"
                )
            changed = replace(scout, phone=number, shift_sms=agree, version=scout.version + 1)
            tx.update(SCOUTS, changed.to_dict(), id=scout_id)
        return changed

    def log(self) -> list[LogRow]:
        """The send log, newest first."""
        with self.store.snapshot() as tx:
            rows = [LogRow.from_dict(d) for d in tx.all(MESSAGES)]
        return sorted(rows, key=lambda r: r.last_try_at or r.created_at, reverse=True)

    def failed(self) -> list[LogRow]:
        """Messages that gave up and whose time is still ahead: for the librarian to phone."""
        now = self.now()
        return [r for r in self.log() if r.status == SendStatus.FAILED and r.starts > now]

    def sorry_for(self) -> dict[str, str]:
        """Booking code -> the status of its newest "sorry" message (the "to call" list)."""
        rows = [r for r in self.log() if r.kind == Kind.SORRY]
        out: dict[str, str] = {}
        for row in reversed(rows):  # oldest first: the newest wins
            out[row.ref] = row.status
        return out

    def offers(self) -> list[LogRow]:
        """Offers of freed times, newest first (the waiting-list tab)."""
        return [r for r in self.log() if r.kind == Kind.OFFER]


def _topic_name(topics: dict[str, Any], slug: str, lang: str) -> str:
    topic = topics.get(slug)
    return topic.name(lang) if topic is not None else slug


def _scout_language(scout: Scout) -> str:
    """The e-scouts' screens speak Lithuanian and English: Lithuanian unless they only
    speak other languages and English among them."""
    if "lt" in scout.languages or "en" not in scout.languages:
        return "lt"
    return "en"
