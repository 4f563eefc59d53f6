"""Errors the services raise for refusals a person can act on, and their stable codes."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """Every refusal's stable code: tests, CLI JSON and the message catalogues key on it.

    The catalogues hold ``v.err.<code>`` for what a visitor can meet (``VISITOR_CODES``)
    and ``lib.err.<code>`` for what the librarian's screens show (``LIBRARIAN_CODES``).
    """

    # names and phones (kiosk/domain/validation.py)
    NAME_REQUIRED = "name_required"
    NAME_CONTROL = "name_control"
    NAME_TOO_LONG = "name_too_long"
    NAME_MARKUP = "name_markup"
    NAME_DIGITS = "name_digits"
    NAME_CHARS = "name_chars"
    NAME_START = "name_start"
    PHONE_INVALID = "phone_invalid"
    PHONE_REQUIRED = "phone_required"  # the waiting list calls back: a phone is needed
    # messages to visitors (kiosk/domain/reminders.py)
    EMAIL_INVALID = "email_invalid"
    REMIND_NEEDS_CONTACT = "remind_needs_contact"  # a reminder needs a phone or an address
    NO_MESSAGE_CONSENT = "no_message_consent"  # a "sorry" text to a visitor who did not agree
    MESSAGES_CONFIG = "messages_config"  # kiosk remind: the gateway or SMTP is not set up
    # booking (kiosk/domain/booking.py)
    SLOT_TAKEN = "slot_taken"
    TOO_MANY_BOOKINGS = "too_many_bookings"
    TOPIC_INACTIVE = "topic_inactive"
    UNKNOWN_TOPIC = "unknown_topic"
    UNKNOWN_CODE = "unknown_code"
    UNKNOWN_SCOUT = "unknown_scout"
    CANNOT_BOOKED = "cannot_booked"
    CANNOT_CHECKED_IN = "cannot_checked_in"
    CANNOT_CANCELLED = "cannot_cancelled"
    CANNOT_DONE = "cannot_done"
    CANNOT_NO_SHOW = "cannot_no_show"
    TICKET_CLOSED = "ticket_closed"
    CANCEL_TOO_LATE = "cancel_too_late"
    ALREADY_BOOKED_THEN = "already_booked_then"
    NOT_STARTED = "not_started"
    NOTHING_TO_UNDO = "nothing_to_undo"
    UNDO_NOT_TODAY = "undo_not_today"
    HAS_ACTIVITY_FORM = "has_activity_form"
    TIME_TAKEN_SINCE = "time_taken_since"
    REASON_REQUIRED = "reason_required"
    REASON_TOO_LONG = "reason_too_long"
    VISITOR_ERASED = "visitor_erased"
    CANNOT_MOVE = "cannot_move"  # only a booked (not yet closed) time moves
    NOT_UNRECORDED = "not_unrecorded"  # only a past day's open booking leaves that list
    NOTHING_TO_CALL = "nothing_to_call"  # "called" for a booking nobody needs to phone
    # the waiting list (kiosk/domain/waitlist.py)
    UNKNOWN_ENTRY = "unknown_entry"
    # the activity form (kiosk/domain/activity.py)
    NOTE_TOO_LONG = "note_too_long"
    NOTE_EMAIL = "note_email"
    NOTE_NUMBER = "note_number"
    SCOUT_REQUIRED = "scout_required"
    MINUTES_RANGE = "minutes_range"
    TOPICS_REQUIRED = "topics_required"
    AGE_REQUIRED = "age_required"
    OUTCOME_REQUIRED = "outcome_required"
    FORM_DATE_FUTURE = "form_date_future"  # a form dated after today (the services' clock)
    FORM_DATE_BEFORE_FIRST_DAY = "form_date_before_first_day"  # before the e-scout started
    NOT_A_CONSULTATION = "not_a_consultation"
    UNKNOWN_BOOKING = "unknown_booking"
    # the e-scout's own screens (kiosk/domain/scout_access.py, kiosk/domain/scout_day.py)
    NOT_YOUR_BOOKING = "not_your_booking"  # a form for another e-scout's consultation
    NO_SHIFT_TODAY = "no_shift_today"  # "I am here" with no shift left today
    HERE_NOT_YET = "here_not_yet"  # "I am here" before the shift's window opens
    NO_SUCH_SHIFT = "no_such_shift"  # an absence or cover for a shift that is not ahead
    SHIFT_SPOKEN_FOR = "shift_spoken_for"  # absent or cover asked already for that shift
    COVER_GONE = "cover_gone"  # the cover request was taken by another, or withdrawn
    COVER_TOPICS = "cover_topics"  # the taker does not cover the shift's topics
    COVER_BUSY = "cover_busy"  # the taker has a shift or a consultation then
    COVER_OWN = "cover_own"  # an e-scout cannot take their own shift
    SCOUT_INACTIVE = "scout_inactive"  # no card or PIN for an e-scout who was made inactive
    # the PINs' pepper file (kiosk/domain/pepper.py): missing where it must be made, unreadable,
    # not a pepper, or inside the data dir
    PEPPER_UNAVAILABLE = "pepper_unavailable"
    # the librarian's forms (kiosk/domain/catalog.py, kiosk/domain/validation.py)
    BAD_TIME = "bad_time"
    BAD_DATE = "bad_date"
    BAD_PERIOD = "bad_period"
    END_BEFORE_START = "end_before_start"
    SCOUT_NAME = "scout_name"
    LANGUAGES_REQUIRED = "languages_required"
    PLACE_REQUIRED = "place_required"
    # a group session's topic: one the e-scout covers, and only with 2 or more seats
    GROUP_TOPIC = "group_topic"
    BAD_SLUG = "bad_slug"
    SLUG_TAKEN = "slug_taken"
    TOPIC_NAME = "topic_name"
    LIBRARY_NAME = "library_name"
    BAD_LANGUAGES = "bad_languages"
    NUMBER_RANGE = "number_range"
    BAD_HOURS = "bad_hours"
    STALE_SAVE = "stale_save"  # another desk saved the same record since this one read it
    TEXT_TOO_LONG = "text_too_long"  # a place's directions, a topic's what-to-bring
    BAD_PRINTER = "bad_printer"  # the receipt printer's settings
    # paper tickets (kiosk/paper/printing.py)
    PRINTER_FAILED = "printer_failed"
    # PIN and the command line
    PIN_FORMAT = "pin_format"
    # a new PIN that is easy to guess: one digit repeated, a straight run, a most common PIN
    PIN_WEAK = "pin_weak"
    PIN_MISMATCH = "pin_mismatch"
    BAD_START = "bad_start"
    NO_BACKUP = "no_backup"
    CONFIRM = "confirm"
    BAD_BACKUP = "bad_backup"
    BAD_NOW = "bad_now"
    BAD_DATA_DIR = "bad_data_dir"
    BAD_OUTPUT = "bad_output"
    OUTPUT_SYMLINK = "output_symlink"
    OUTPUT_NOT_FILE = "output_not_file"
    OUTPUT_NO_FOLDER = "output_no_folder"
    OUTPUT_IN_DATA_DIR = "output_in_data_dir"
    SOCKET_TAKEN = "socket_taken"  # kiosk serve --socket PATH: something else is at PATH
    # kiosk config set: the programme's identity of the library (kiosk/cli/config.py)
    BAD_LIBRARY_ID = "bad_library_id"
    BAD_MUNICIPALITY = "bad_municipality"
    BAD_ON_OFF = "bad_on_off"  # an on/off setting given neither (speech_on)
    WRITE_FAILED = "write_failed"
    # kiosk backup --to DIR (kiosk/cli/common.py backup_folder)
    BACKUP_NO_FOLDER = "backup_no_folder"
    BACKUP_NOT_FOLDER = "backup_not_folder"
    BACKUP_NOT_WRITABLE = "backup_not_writable"
    BACKUP_IN_DATA_DIR = "backup_in_data_dir"
    BACKUP_SAME_DISK = "backup_same_disk"
    PIN_WRONG = "pin_wrong"
    PIN_LOCKED = "pin_locked"
    PIN_NO_PEPPER = "pin_no_pepper"  # the PIN was set with a pepper file this PC lacks
    RESET_NOT_CONFIRMED = "reset_not_confirmed"
    CARD_EXISTS = "card_exists"  # the e-scout has a card: only --reissue replaces it
    # the programme's results files (kiosk/programme*.py)
    NO_OUT = "no_out"
    NO_DB = "no_db"
    DB_OPEN = "db_open"
    DB_VERSION = "db_version"
    MERGE_FAILED = "merge_failed"
    DB_WRITE = "db_write"  # the database's folder cannot be written
    LIBRARY_ALIAS = "library_alias"  # an id that already stands for another library


# What a visitor can meet on the kiosk: each has a ``v.err.<code>`` sentence.
VISITOR_CODES = frozenset(
    {
        ErrorCode.NAME_REQUIRED,
        ErrorCode.NAME_CONTROL,
        ErrorCode.NAME_TOO_LONG,
        ErrorCode.NAME_MARKUP,
        ErrorCode.NAME_DIGITS,
        ErrorCode.NAME_CHARS,
        ErrorCode.NAME_START,
        ErrorCode.PHONE_INVALID,
        ErrorCode.PHONE_REQUIRED,
        ErrorCode.SLOT_TAKEN,
        ErrorCode.TOO_MANY_BOOKINGS,
        ErrorCode.TOPIC_INACTIVE,
        ErrorCode.UNKNOWN_TOPIC,
        ErrorCode.UNKNOWN_CODE,
        ErrorCode.CANNOT_CANCELLED,
        ErrorCode.CANCEL_TOO_LATE,
        ErrorCode.ALREADY_BOOKED_THEN,
        ErrorCode.PRINTER_FAILED,
    }
)
# Only the command line meets these (it prints the English message).
CLI_ONLY_CODES = frozenset(
    {
        ErrorCode.PIN_FORMAT,
        ErrorCode.PIN_MISMATCH,
        ErrorCode.BAD_START,
        ErrorCode.NO_BACKUP,
        ErrorCode.CONFIRM,
        ErrorCode.UNKNOWN_SCOUT,
        ErrorCode.TICKET_CLOSED,
        ErrorCode.CANNOT_BOOKED,
        ErrorCode.CANNOT_CHECKED_IN,
        ErrorCode.BAD_NOW,
        ErrorCode.BAD_DATA_DIR,
        ErrorCode.BAD_OUTPUT,
        ErrorCode.OUTPUT_SYMLINK,
        ErrorCode.OUTPUT_NOT_FILE,
        ErrorCode.OUTPUT_NO_FOLDER,
        ErrorCode.OUTPUT_IN_DATA_DIR,
        ErrorCode.SOCKET_TAKEN,
        ErrorCode.BAD_LIBRARY_ID,
        ErrorCode.BAD_MUNICIPALITY,
        ErrorCode.BAD_ON_OFF,
        ErrorCode.WRITE_FAILED,
        ErrorCode.BACKUP_NO_FOLDER,
        ErrorCode.BACKUP_NOT_FOLDER,
        ErrorCode.BACKUP_NOT_WRITABLE,
        ErrorCode.BACKUP_IN_DATA_DIR,
        ErrorCode.BACKUP_SAME_DISK,
        ErrorCode.PIN_WRONG,
        ErrorCode.PIN_LOCKED,
        ErrorCode.PIN_NO_PEPPER,
        ErrorCode.RESET_NOT_CONFIRMED,
        ErrorCode.CARD_EXISTS,
        ErrorCode.NO_OUT,
        ErrorCode.NO_DB,
        ErrorCode.DB_OPEN,
        ErrorCode.DB_VERSION,
        ErrorCode.MERGE_FAILED,
        ErrorCode.DB_WRITE,
        ErrorCode.LIBRARY_ALIAS,
        ErrorCode.MESSAGES_CONFIG,
    }
)
# Everything else is met at the desk: each has a ``lib.err.<code>`` sentence.
LIBRARIAN_CODES = frozenset(set(ErrorCode) - CLI_ONLY_CODES)


class KioskError(Exception):
    """A refusal with a stable machine code and one plain-language line.

    ``code`` is stable (an ``ErrorCode``; tests, CLI JSON, message catalogues key on it);
    ``message`` is an English sentence for logs and the CLI; ``details`` fill the
    catalogue's sentence (``{status}``, ``{field}``...).
    """

    def __init__(self, code: ErrorCode | str, message: str, **details: object) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details


class ValidationError(KioskError):
    """Bad input from a person (name, phone, date...) in the named field."""

    def __init__(
        self, code: ErrorCode | str, message: str, *, field: str, **details: object
    ) -> None:
        super().__init__(code, message, field=field, **details)
        self.field = field


class NotFound(KioskError):
    """Nothing matches the given code, id or slug."""


class Conflict(KioskError):
    """The request collides with the current state (time taken, limit reached...)."""
