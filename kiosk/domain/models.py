"""Domain values: settings, topics, e-scouts, availability, bookings, activity records.

Every model converts to and from a plain JSON-able dict (``to_dict``/``from_dict``);
the db layer stores those dicts and knows nothing of these classes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date, datetime, time
from datetime import date as Day  # a field named ``date`` shadows the type in its class
from enum import StrEnum
from typing import Any, Self

from kiosk.domain.clock import as_local


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CHECKED_IN = "checked_in"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        """Still expected to happen (holds its time)."""
        return self in (BookingStatus.BOOKED, BookingStatus.CHECKED_IN)


# Statuses that keep the e-scout's time taken. A cancelled booking frees it.
HOLDS_TIME = frozenset(
    {BookingStatus.BOOKED, BookingStatus.CHECKED_IN, BookingStatus.DONE, BookingStatus.NO_SHOW}
)


class Source(StrEnum):
    KIOSK = "kiosk"
    LIBRARIAN = "librarian"


class Outcome(StrEnum):
    SOLVED = "solved"
    PARTLY = "partly"
    REFERRED = "referred"
    FOLLOW_UP = "follow_up"


class AgeGroup(StrEnum):
    UNDER_30 = "under_30"
    FROM_30_TO_49 = "30_49"
    FROM_50_TO_64 = "50_64"
    FROM_65_TO_74 = "65_74"
    OVER_75 = "75_plus"


class ShiftOutcome(StrEnum):
    """How an e-scout's shift went, kept on record with them."""

    ON_TIME = "on_time"  # "I am here" by the shift's start
    LATE = "late"  # "I am here" after the start (the minutes are kept)
    MISSED = "missed"  # no "I am here" by the shift's end


class CallReason(StrEnum):
    """Why someone must phone a visitor: their booking changed under them, or its e-scout
    is not there."""

    MOVED = "moved"  # the desk moved it to another time or e-scout
    CLOSURE = "closure"  # the library is closed that day
    WEEKLY_TIME = "weekly_time"  # the e-scout's weekly time no longer covers it
    PLACE = "place"  # the e-scout's weekly time moved to another place
    ABSENCE = "absence"  # the e-scout will be absent then
    EXTRA_SESSION = "extra_session"  # the extra session it was in was cut short or removed
    SCOUT_INACTIVE = "scout_inactive"  # the e-scout was made inactive
    MISSED_SHIFT = "missed_shift"  # the e-scout did not come for the shift
    COVER = "cover"  # another e-scout covers the shift: the visitor meets them instead


class CallOutcome(StrEnum):
    """How a "to call" mark was cleared."""

    CALLED = "called"  # the librarian phoned the visitor
    OTHER_WAY = "other_way"  # reached another way (at the desk, by e-mail, a message)
    SCOUT_HERE = "scout_here"  # the missing e-scout came after all: nothing to tell


class ExceptionKind(StrEnum):
    ABSENT = "absent"
    EXTRA = "extra"


def _hhmm(value: str | time) -> time:
    if isinstance(value, time):
        return value
    return time.fromisoformat(value)


class _Record:
    """JSON round-trip shared by the dataclasses below."""

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))  # type: ignore[call-overload]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        names = _field_names(cls)
        return cls(**{k: v for k, v in data.items() if k in names})


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _field_names(cls: type) -> frozenset[str]:
    """The dataclass's field names (cached); unknown keys in stored dicts (newer data) are
    ignored."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = frozenset(f.name for f in fields(cls))
    return names


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat(timespec="minutes") if isinstance(value, time) else value.isoformat()
    if isinstance(value, StrEnum):
        return str(value)
    return value


@dataclass
class OpeningHours(_Record):
    weekday: int  # 0 = Monday
    open: str  # "HH:MM"
    close: str

    @property
    def open_time(self) -> time:
        return _hhmm(self.open)

    @property
    def close_time(self) -> time:
        return _hhmm(self.close)


def _default_hours() -> list[OpeningHours]:
    weekdays = [OpeningHours(d, "10:00", "19:00") for d in range(5)]
    return [*weekdays, OpeningHours(5, "10:00", "16:00")]


# The allowed range (inclusive) of every whole-number setting: the one table the Settings tab,
# a save, a restore, a start and the command line check against
# (``kiosk.domain.validation.check_setting`` and ``check_settings``).
SETTING_RANGES: dict[str, tuple[int, int]] = {
    "slot_minutes": (10, 120),
    "horizon_days": (1, 90),
    "min_notice_minutes": (0, 1440),
    "max_future_bookings": (1, 10),
    "retention_days": (1, 365),
    "idle_seconds": (20, 600),
    "idle_countdown_seconds": (5, 120),
    "poster_after_seconds": (0, 600),
    "poster_turn_seconds": (3, 60),
    "ticket_return_seconds": (10, 600),
    "ticket_idle_seconds": (60, 1800),
    "librarian_idle_seconds": (30, 3600),
    "speech_volume": (0, 200),
    "speech_rate": (80, 300),
    "web_max_sessions": (1, 20),
    "backups_keep": (1, 100),
    "cancel_cutoff_hours": (0, 72),
    "checkin_before_minutes": (0, 240),
    "here_before_minutes": (0, 240),
    "scout_idle_seconds": (20, 600),
    "form_days_back": (0, 30),
    "waitlist_days": (1, 365),
    "printer_serial_baudrate": (1200, 115200),
    "printer_port": (1, 65535),
    "smtp_port": (1, 65535),
    "remind_same_day_hours": (1, 12),
}
# Seats of a weekly time or an extra session: 1, or 2-8 for a small group.
SEATS_RANGE = (1, 8)
# Minutes an e-scout keeps free after each consultation.
BUFFER_RANGE = (0, 120)


@dataclass
class Settings(_Record):
    library_name: str = "Biblioteka"
    # The desk's phone visitors may call (E.164; empty: not given): on the wall poster and in
    # messages to visitors.
    library_phone: str = ""
    opening_hours: list[OpeningHours] = field(default_factory=_default_hours)
    slot_minutes: int = 30
    horizon_days: int = 14
    min_notice_minutes: int = 30
    # The visitor languages offered at the kiosk, in the order of Welcome's buttons.
    languages: list[str] = field(default_factory=lambda: ["lt", "en", "ru", "uk", "pl"])
    retention_days: int = 30
    max_future_bookings: int = 2
    idle_seconds: int = 90
    idle_countdown_seconds: int = 30
    # After this long without a touch Welcome shows its poster (the next free times, who the
    # e-scouts are), a language after another every ``poster_turn_seconds``; 0: never.
    poster_after_seconds: int = 60
    poster_turn_seconds: int = 8
    # How long a check-in answer stays before Welcome comes back by itself.
    ticket_return_seconds: int = 15
    # The ticket stays until "Done"; only after this long without a touch does the "More
    # time?" countdown appear (a senior photographs it, copies the code, asks for help).
    ticket_idle_seconds: int = 300
    librarian_idle_seconds: int = 300
    # "Read aloud" on the visitor screens (espeak-ng, when installed): on or off, its
    # loudness (100 is the engine's normal) and its words a minute (slower than the
    # engine's 175: many visitors are 60+).
    speech_on: bool = True
    speech_volume: int = 100
    speech_rate: int = 150
    # Browser sessions `kiosk serve` runs at once (each tab is one App process, ~55-70 MB):
    # a stuck or forgotten browser cannot fill the memory.
    web_max_sessions: int = 4
    backups_keep: int = 10
    cancel_cutoff_hours: int = 2  # a visitor cancels at the kiosk until this long before
    checkin_before_minutes: int = 60  # check-in opens this long before the start
    here_before_minutes: int = 30  # an e-scout's "I am here" opens this long before a shift
    scout_idle_seconds: int = 45  # My day asks "more time?" after this long without a touch
    form_days_back: int = 7  # My day offers the forms not filled yet of this many days back
    waitlist_days: int = 30  # a waiting-list entry (a name, a phone) is erased after this
    # Who the programme's results file comes from. An empty id means "not set": the
    # export then names the library by a stable pseudonymous id of this data dir.
    library_id: str = ""
    municipality: str = ""
    # Bumped by every save: a console saving a copy older than the stored one is refused
    # (kiosk/domain/catalog.py), so one desk never silently puts back what another just changed.
    version: int = 0
    # The receipt printer for paper tickets: kind none | usb | serial | network; see
    # kiosk/paper/printing.py for what each parameter means.
    printer_kind: str = "none"
    printer_usb_vendor: str = ""  # hex, e.g. 04b8
    printer_usb_product: str = ""  # hex, e.g. 0202
    printer_serial_device: str = ""  # e.g. /dev/ttyUSB0
    printer_serial_baudrate: int = 9600
    printer_host: str = ""  # network printer, port 9100
    printer_port: int = 9100
    printer_profile: str = ""  # an escpos printer profile name; empty: the generic one
    # Messages to visitors and e-scouts (``kiosk remind``), sent only with their consent.
    # The library's HTTP SMS gateway: a POST of ``sms_body_template`` (JSON, its "{to}" and
    # "{text}" filled in) with ``Authorization: Bearer <token>`` when a token is set.
    sms_gateway_url: str = ""
    sms_gateway_token: str = ""
    sms_body_template: str = '{"to": "{to}", "text": "{text}"}'
    # E-mail through SMTP with STARTTLS (port 465: TLS from the start); empty host: none.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    # When a reminder goes: at this time the day before, or, for a booking made later
    # than that (the same day, or that evening), this many hours before the start.
    remind_at: str = "18:00"
    remind_same_day_hours: int = 3

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        data = dict(data)
        if "opening_hours" in data:
            data["opening_hours"] = [OpeningHours.from_dict(h) for h in data["opening_hours"]]
        names = _field_names(cls)
        return cls(**{k: v for k, v in data.items() if k in names})

    def hours_on(self, weekday: int) -> OpeningHours | None:
        return next((h for h in self.opening_hours if h.weekday == weekday), None)


@dataclass
class Topic(_Record):
    slug: str
    names: dict[str, str]
    descriptions: dict[str, str] = field(default_factory=dict)
    active: bool = True
    order: int = 0
    version: int = 0  # bumped by every save (refuses a save of an older copy)
    # What the visitor should bring, per language ("Telefonas ir jo įkroviklis").
    what_to_bring: dict[str, str] = field(default_factory=dict)

    def name(self, lang: str) -> str:
        return self.names.get(lang) or self.names.get("lt") or next(iter(self.names.values()))

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or self.descriptions.get("lt", "")

    def bring(self, lang: str) -> str:
        """What to bring, in ``lang`` or else Lithuanian ("" when the librarian set none)."""
        return self.what_to_bring.get(lang) or self.what_to_bring.get("lt", "")


@dataclass
class Place(_Record):
    """Where in the library an e-scout meets visitors, and how to find it.

    ``name`` is the Lithuanian name, as on the library's signs: weekly times, exceptions and
    bookings store it (a booking keeps the name it was made with, so history never changes).
    """

    name: str
    names: dict[str, str] = field(default_factory=dict)  # other languages' names: {"en": ...}
    directions: dict[str, str] = field(default_factory=dict)  # "how to find it", per language

    def label(self, lang: str) -> str:
        """The Lithuanian name (as on the signs), with the visitor's own beside it if given."""
        other = self.names.get(lang, "") if lang != "lt" else ""
        return f"{self.name} ({other})" if other and other != self.name else self.name

    def how_to_find(self, lang: str) -> str:
        return self.directions.get(lang) or self.directions.get("lt", "")


@dataclass
class Scout(_Record):
    id: str
    name: str  # display name: first name + initial, "Ieva K."
    topics: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=lambda: ["lt"])
    active: bool = True
    contact: str = ""  # librarian-only
    # A text the day before each shift, only if the e-scout agreed (librarian-only).
    phone: str = ""  # E.164
    shift_sms: bool = False
    buffer_minutes: int = 0  # kept free after each consultation (the next visitor arrives)
    version: int = 0  # bumped by every save (refuses a save of an older copy)
    # The day they started volunteering (YYYY-MM-DD): no activity form is dated before it.
    # None for e-scouts added before it was asked: unknown, no lower limit.
    first_day: str | None = None
    # The name in full for certificates ("Ieva Kazlauskaitė"): librarian-only, never shown
    # to visitors or other e-scouts. "" (not given): certificates carry ``name``.
    full_name: str = ""
    # When retention first found the e-scout inactive (deactivated, or without any weekly
    # time or coming extra session): erased once the retention period has passed since.
    idle_since: str | None = None
    # When retention erased the e-scout: ``id`` is then an anonymous one, name and contact gone.
    erased_at: str | None = None

    @property
    def certificate_name(self) -> str:
        """The name a certificate carries: the full name, else the display name."""
        return self.full_name or self.name

    @property
    def start_day(self) -> Day | None:
        """``first_day`` as a date (None when unknown)."""
        return date.fromisoformat(self.first_day) if self.first_day else None

    @property
    def public_name(self) -> str:
        """What visitors may see: the first name and the next word's initial ("Ieva K."),
        whatever the librarian typed (e-scouts are volunteers, many of them minors)."""
        words = self.name.split()
        if len(words) < 2:
            return words[0] if words else ""
        return f"{words[0]} {words[1][0]}."


@dataclass
class WeeklyTime(_Record):
    """A recurring weekly session of one e-scout at one place."""

    id: str
    scout: str
    weekday: int  # 0 = Monday
    start: str  # "HH:MM" local
    end: str
    place: str
    seats: int = 1  # 2-8 (SEATS_RANGE): a small group session, each visitor books one seat
    version: int = 0  # bumped by every save (refuses a save of an older copy)
    # A group session's own topic: it is offered under this topic only, and its seats are
    # its own. "" (a group saved before sessions had a topic): the e-scout's first topic.
    topic: str = ""

    @property
    def start_time(self) -> time:
        return _hhmm(self.start)

    @property
    def end_time(self) -> time:
        return _hhmm(self.end)


@dataclass
class DatedException(_Record):
    """An absence (whole day when no times) or an extra session on one date."""

    id: str
    scout: str
    date: str  # YYYY-MM-DD
    kind: str  # ExceptionKind
    start: str | None = None
    end: str | None = None
    place: str = ""
    note: str = ""
    seats: int = 1  # an extra session may be a small group too
    topic: str = ""  # a group session's own topic (as WeeklyTime.topic)

    @property
    def day(self) -> Day:
        return date.fromisoformat(self.date)


def group_topic(session: WeeklyTime | DatedException, scout: Scout) -> str | None:
    """The one topic a group session (more than one seat) is offered under; None for a
    one-to-one session, which serves every topic of its e-scout."""
    if session.seats <= 1:
        return None
    return session.topic or (scout.topics[0] if scout.topics else "")


@dataclass
class Closure(_Record):
    """The library is closed from ``first`` to ``last`` inclusive."""

    id: str
    first: str  # YYYY-MM-DD
    last: str
    reason: str = ""

    def covers(self, day: date) -> bool:
        return date.fromisoformat(self.first) <= day <= date.fromisoformat(self.last)


@dataclass
class Booking(_Record):
    id: str
    code: str
    token_hash: str
    topic: str
    scout: str
    start: str  # ISO 8601 with offset
    end: str
    place: str
    name: str
    phone: str | None = None
    # The visitor agreed to a reminder the day before (a text to ``phone``, or an e-mail
    # to ``email``): erased with the phone.
    remind: bool = False
    email: str | None = None
    language: str = "lt"
    status: str = BookingStatus.BOOKED
    source: str = Source.KIOSK
    created_at: str = ""
    checked_in_at: str | None = None
    done_at: str | None = None
    no_show_at: str | None = None
    cancelled_at: str | None = None
    erased_at: str | None = None  # personal data removed by retention
    # Taken off the "not recorded" list without an outcome (nobody knows how it ended): it
    # stays open, and Results still counts it as not recorded.
    cleared_at: str | None = None
    follows: str | None = None  # the booking this one follows up (a repeat visit)
    # Every status change, oldest first: {"from", "to", "at", "reason"}; an undo is a change
    # too (with the reason the librarian gave), so the record never forgets what happened.
    # A move is logged here too ("move", and where it was: "was_start", "was_scout"...).
    changes: list[dict[str, str]] = field(default_factory=list)
    # Someone must phone the visitor (a CallReason) since ``to_call_at``, until a librarian
    # marks the call made. ``calls`` keeps every mark once cleared: {"reason", "marked_at",
    # "start" (the booking's time then), "at", "how" (a CallOutcome), "by"}.
    to_call: str | None = None
    to_call_at: str | None = None
    calls: list[dict[str, str]] = field(default_factory=list)

    @property
    def starts(self) -> datetime:
        return as_local(datetime.fromisoformat(self.start))

    @property
    def ends(self) -> datetime:
        return as_local(datetime.fromisoformat(self.end))

    @property
    def state(self) -> BookingStatus:
        return BookingStatus(self.status)

    def with_status(self, status: BookingStatus, at: datetime, reason: str = "") -> Booking:
        """The booking after a status change, stamped and logged."""
        changes: dict[str, Any] = {"status": str(status)}
        if stamp := STATUS_STAMPS.get(status):
            changes[stamp] = at.isoformat()
        entry = {"from": self.status, "to": str(status), "at": at.isoformat()}
        if reason:
            entry["reason"] = reason
        changes["changes"] = [*self.changes, entry]
        return replace(self, **changes)

    def moved(
        self, start: datetime, end: datetime, scout: str, place: str, at: datetime
    ) -> Booking:
        """The booking at another time (or e-scout); the log keeps where it was."""
        entry = {
            "from": self.status,
            "to": self.status,
            "at": at.isoformat(),
            "move": "yes",
            "was_start": self.start,
            "was_scout": self.scout,
            "was_place": self.place,
        }
        return replace(
            self,
            start=start.isoformat(),
            end=end.isoformat(),
            scout=scout,
            place=place,
            changes=[*self.changes, entry],
        )

    def marked_to_call(self, reason: CallReason, at: datetime) -> Booking:
        """The booking with someone to phone its visitor (the newest reason wins)."""
        return replace(self, to_call=str(reason), to_call_at=at.isoformat())

    def call_cleared(self, how: CallOutcome, by: str, at: datetime) -> Booking:
        """The booking with its "to call" mark cleared, the mark kept in ``calls``."""
        entry = {
            "reason": self.to_call or "",
            "marked_at": self.to_call_at or "",
            "start": self.start,
            "at": at.isoformat(),
            "how": str(how),
            "by": by,
        }
        return replace(self, to_call=None, to_call_at=None, calls=[*self.calls, entry])

    def undone(self, at: datetime, reason: str) -> Booking:
        """The booking with its last status change taken back (the log keeps both)."""
        previous = BookingStatus(self.last_change["from"])
        changes: dict[str, Any] = {"status": str(previous)}
        if stamp := STATUS_STAMPS.get(self.state):
            changes[stamp] = None
        entry = {"from": self.status, "to": str(previous), "at": at.isoformat(), "reason": reason}
        changes["changes"] = [*self.changes, {**entry, "undo": "yes"}]
        return replace(self, **changes)

    @property
    def last_change(self) -> dict[str, str]:
        """The newest status change (a booking made before the log began has a made-up one)."""
        status_changes = [c for c in self.changes if not c.get("move")]
        if status_changes:
            return status_changes[-1]
        stamp = STATUS_STAMPS.get(self.state)
        at = getattr(self, stamp) if stamp else None
        before = (
            BookingStatus.CHECKED_IN
            if self.checked_in_at and stamp != "checked_in_at"
            else BookingStatus.BOOKED
        )
        return {"from": str(before), "to": self.status, "at": at or self.created_at}

    def public_dict(self) -> dict[str, Any]:
        """Everything but the token hash (which never leaves the store)."""
        data = self.to_dict()
        data.pop("token_hash", None)
        return data


@dataclass
class WaitlistEntry(_Record):
    """A visitor waiting for a time for one topic (personal data: it expires)."""

    id: str
    topic: str
    name: str
    phone: str | None
    language: str
    created_at: str  # ISO 8601 with offset
    expires_at: str
    # The visitor agreed to one text message when a time frees up; when it was queued.
    remind: bool = False
    offered_at: str | None = None

    @property
    def created(self) -> datetime:
        return as_local(datetime.fromisoformat(self.created_at))


STATUS_STAMPS = {
    BookingStatus.CHECKED_IN: "checked_in_at",
    BookingStatus.DONE: "done_at",
    BookingStatus.NO_SHOW: "no_show_at",
    BookingStatus.CANCELLED: "cancelled_at",
}


@dataclass
class ActivityRecord(_Record):
    """The e-scout activity form, filled after a consultation. No personal data."""

    id: str
    date: str  # YYYY-MM-DD
    scout: str
    minutes: int
    topics: list[str]
    age_group: str  # AgeGroup
    outcome: str  # Outcome
    first_visit: bool = True
    note: str = ""
    booking_id: str | None = None
    created_at: str = ""
    # Who filled the form: the librarian at the console or the e-scout at the kiosk. Forms
    # saved before e-scouts could fill them were the librarian's.
    submitted_by: str = "librarian"  # Submitter
    # Every later change of the form, oldest first: {"at", "by"} (a librarian correcting an
    # e-scout's form, or either correcting their own).
    corrections: list[dict[str, str]] = field(default_factory=list)


class Submitter(StrEnum):
    LIBRARIAN = "librarian"
    SCOUT = "scout"


@dataclass
class ScoutCredentials(_Record):
    """An e-scout's card and PIN: only the card token's SHA-256 and the PIN's scrypt hash."""

    scout: str
    card_hash: str | None = None  # None: no card (never issued, or revoked)
    card_issued_at: str | None = None
    pin_salt: str | None = None
    pin_hash: str | None = None
    pin_set_at: str | None = None
    # When retention first found the e-scout inactive: their card and PIN are erased once
    # the retention period has passed since (made active again: cleared).
    inactive_since: str | None = None
    version: int = 0  # bumped by every save


@dataclass
class ScoutPresence(_Record):
    """One shift of an e-scout: when they said "I am here", or the librarian dismissed the
    missed-shift notice."""

    id: str
    scout: str
    shift_start: str  # ISO 8601 with offset
    shift_end: str
    place: str
    here_at: str | None = None
    dismissed_at: str | None = None
    # How the shift went (ShiftOutcome), set once: on "I am here", or "missed" once it ended.
    outcome: str | None = None
    late_minutes: int = 0  # from the shift's start to "I am here"
    # Said at the kiosk before the shift: absent (AbsenceReason), or asking for cover
    # (CoverStatus: open, taken by ``cover_taker``, confirmed by the librarian, withdrawn).
    absence_reason: str | None = None
    cover: str | None = None
    cover_taker: str | None = None
    cover_asked_at: str | None = None
    cover_taken_at: str | None = None
    cover_confirmed_at: str | None = None
    version: int = 0


@dataclass(frozen=True)
class Slot:
    """A free time of one e-scout."""

    start: datetime
    end: datetime
    scout: str
    place: str
    languages: tuple[str, ...] = ()  # what the e-scout speaks
    seats: int = 1  # more than one: a group session
    seats_left: int = 1
    # False when no e-scout of the topic speaks the visitor's language: the visitor is
    # offered these times with a note that the consultation is in another language.
    in_language: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "scout": self.scout,
            "place": self.place,
            "languages": list(self.languages),
            "in_language": self.in_language,
            "seats": self.seats,
            "seats_left": self.seats_left,
        }
