"""Tell a USB scanner from a person: both arrive as keys.

A scanner types a whole ticket (the 26-character token, or a 6-character code) within a
few tens of milliseconds and ends it with Enter; a person leaves far more time between keys.
The kiosk holds back characters that come in such a burst, so that no single-key shortcut
("2", "3" on Welcome) swallows part of a ticket, and gives the burst to check-in when its
Enter arrives. Anything slower is handed back as ordinary keys.
"""

from __future__ import annotations

from kiosk.domain.tickets import CODE_LENGTH, INPUT_ALPHABET

# The longest gap between two keys of one scan. Scanners send a key every 2-20 ms and a
# terminal hands a burst over at once; people need 80 ms or more between keys.
SCAN_GAP_S = 0.05

# The other side of telling people apart: taps on a screen this soon after it appeared are
# the rest of a shaky double tap aimed at the screen before (the App ignores them; a page
# driver waits this long before it taps, as a person does).
TAP_GUARD_S = 0.35


def scannable(char: str | None) -> bool:
    """Could this character be part of a ticket (token or code, any case)?"""
    return bool(char) and len(char or "") == 1 and (char or "").upper() in INPUT_ALPHABET


class ScanBuffer:
    """The characters of a burst that may be a scan, with the time of the last one."""

    def __init__(self, gap: float = SCAN_GAP_S, min_length: int = CODE_LENGTH) -> None:
        self.gap = gap
        self.min_length = min_length
        self.chars: list[str] = []
        self.last: float | None = None

    def continues(self, at: float) -> bool:
        """Does a key at ``at`` belong to the burst held so far (or start one)?"""
        return self.last is None or at - self.last <= self.gap

    def add(self, char: str, at: float) -> None:
        self.chars.append(char)
        self.last = at

    def is_scan(self, enter_at: float) -> bool:
        """Enter at ``enter_at`` ends a scan: enough characters, all in one quick burst."""
        return len(self.chars) >= self.min_length and self.continues(enter_at)

    def take(self) -> str:
        """The burst as a ticket (upper-case), emptying the buffer."""
        text = "".join(self.chars).upper()
        self.clear()
        return text

    def clear(self) -> None:
        self.chars.clear()
        self.last = None
