"""The pepper: a secret mixed into every PIN hash and kept outside the data dir.

The data file and every backup hold the PINs' salted scrypt hashes. Without the pepper a
copied backup cannot be guessed offline, however short the PIN: the pepper is 32 random
bytes (a file of 64 hex digits) that only the kiosk user reads, found at

- ``$KIOSK_PEPPER_FILE`` when set;
- else ``/etc/escout-kiosk/pepper`` when it exists (deploy/install.sh makes it: 0400,
  owned by kiosk);
- else ``<data dir>.pepper``, the file beside the data dir (never inside it): the demo, a
  desk PC set up without the installer. The program makes it when a PIN is first set.

The program never puts a new pepper in place of one that exists: every PIN stored with the
old one would stop working.
"""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
from pathlib import Path

from kiosk.domain.errors import KioskError

log = logging.getLogger(__name__)

PEPPER_ENV = "KIOSK_PEPPER_FILE"
SYSTEM_PEPPER = Path("/etc/escout-kiosk/pepper")
PEPPER_BYTES = 32


def pepper_path(data_dir: str | os.PathLike[str]) -> Path:
    """Where the pepper of this data dir is (see the module's docstring)."""
    env = os.environ.get(PEPPER_ENV, "").strip()
    if env:
        return Path(env)
    if os.path.exists(SYSTEM_PEPPER):  # False, not an error, where /etc/escout-kiosk is closed
        return SYSTEM_PEPPER
    folder = Path(os.path.abspath(data_dir))
    return folder.with_name(folder.name + ".pepper")


def pepper_id(key: bytes) -> str:
    """A short name of a pepper, stored beside each hash, so a PIN set with another pepper
    (a new PC without the old file) is told apart from a wrong PIN. It says nothing that
    helps to guess the pepper: a hash of 256 random bits."""
    return hashlib.sha256(b"escout-kiosk pepper id\0" + key).hexdigest()[:12]


class Pepper:
    """The pepper file of one data dir, read when a PIN first needs it (and kept)."""

    def __init__(self, path: Path, data_dir: Path | None = None) -> None:
        self.path = path
        self.data_dir = data_dir
        self._key: bytes | None = None

    @classmethod
    def for_data_dir(cls, data_dir: str | os.PathLike[str]) -> Pepper:
        return cls(pepper_path(data_dir), Path(os.path.abspath(data_dir)))

    def key(self, *, create: bool = False) -> bytes | None:
        """The pepper, or None when its file does not exist. ``create``: make the file
        first when it is missing. KioskError when it cannot be read, is no pepper, lies
        inside the data dir or cannot be made."""
        if self._key is None:
            self._check_place()
            key = self._read()
            if key is None and create:
                key = self._make()
            self._key = key
        return self._key

    def _check_place(self) -> None:
        if self.data_dir is None:
            return
        path = Path(os.path.abspath(self.path))
        if path == self.data_dir or self.data_dir in path.parents:
            raise KioskError(
                "pepper_unavailable",
                f"the pepper file {self.path} is inside the data dir: it would travel with "
                "every backup; keep it elsewhere",
            )

    def _read(self) -> bytes | None:
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise KioskError(
                "pepper_unavailable",
                f"cannot read the pepper file {self.path}: {reason} (run as the kiosk user)",
            ) from None
        try:
            key = bytes.fromhex(text)
        except ValueError:
            key = b""
        if len(key) < 16:
            raise KioskError(
                "pepper_unavailable", f"the pepper file {self.path} holds no pepper (64 hex digits)"
            )
        return key

    def _make(self) -> bytes:
        """A new pepper file, readable by this user alone; one another process made first
        wins (a link never replaces a file)."""
        key = secrets.token_bytes(PEPPER_BYTES)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o400)
            try:
                os.write(fd, key.hex().encode("ascii") + b"\n")
                os.fsync(fd)
            finally:
                os.close(fd)
            try:
                os.link(tmp, self.path)
            except FileExistsError:
                existing = self._read()
                if existing is not None:
                    return existing
                raise
            finally:
                tmp.unlink(missing_ok=True)
            dir_fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as exc:
            raise KioskError(
                "pepper_unavailable",
                f"cannot make the pepper file {self.path}: {exc.strerror or exc} (deploy/"
                f"install.sh makes {SYSTEM_PEPPER}; or set {PEPPER_ENV})",
            ) from None
        log.info("made the pepper file %s", self.path)
        return key
