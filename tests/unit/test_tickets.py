"""Codes and tokens: shape, alphabet, hashing, tampering, QR."""

from __future__ import annotations

import string

import pytest

from kiosk.domain import tickets
from kiosk.domain.booking import Ticket
from kiosk.domain.tickets import (
    CODE_ALPHABET,
    VerifyResult,
    is_code,
    is_token,
    new_code,
    new_token,
    normalize_ticket_input,
    qr_matrix,
    qr_svg,
    token_hash,
)
from kiosk.services import Services


def test_code_has_no_look_alikes() -> None:
    for bad in "0O1IL2Z5S8B":
        assert bad not in CODE_ALPHABET
    codes = {new_code() for _ in range(500)}
    assert len(codes) > 490
    assert all(len(c) == 6 and is_code(c) for c in codes)


def test_token_is_128_bit_base32() -> None:
    token = new_token()
    assert len(token) == 26 and is_token(token)
    assert set(token) <= set(string.ascii_uppercase + "234567")
    assert new_token() != token


def test_only_the_hash_is_kept_and_it_changes_with_any_character() -> None:
    token = new_token()
    digest = token_hash(token)
    assert token not in digest and len(digest) == 64
    flipped = ("B" if token[5] == "A" else "A").join([token[:5], token[6:]])
    assert token_hash(flipped) != digest


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" abc-def ", "ABCDEF"), ("abc def\n", "ABCDEF"), ("", "")],
)
def test_normalize_input(raw: str, expected: str) -> None:
    assert normalize_ticket_input(raw) == expected


def test_qr_is_version_2_with_quiet_zone() -> None:
    matrix = qr_matrix(new_token())
    assert len(matrix) == 25 + 2 * tickets.QR_QUIET_ZONE  # version 2 = 25 modules
    assert all(not any(row) for row in matrix[:4])
    assert all(not any(row[:4]) for row in matrix)


def test_qr_decodes_back_to_token() -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    image_mod = pytest.importorskip("PIL.Image")
    token = new_token()
    matrix = qr_matrix(token)
    scale = 8
    size = len(matrix) * scale
    img = image_mod.new("L", (size, size), 255)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                img.paste(0, (x * scale, y * scale, (x + 1) * scale, (y + 1) * scale))
    found = zxingcpp.read_barcodes(img)
    assert [r.text for r in found] == [token]


def test_svg_escapes_caption() -> None:
    svg = qr_svg(new_token(), caption="<AB&CD>")
    assert "&lt;AB&amp;CD&gt;" in svg and svg.startswith("<?xml")


def test_reissue_commits_the_new_token_only_after_delivery(demo: Services) -> None:
    slot = demo.booking.free_slots("e-banking", days=1)[0]
    old = demo.booking.book("e-banking", slot.start, "Ona")

    def printer_jammed(ticket: Ticket) -> None:
        assert demo.arrivals.verify(ticket.token).result is VerifyResult.FORGED  # not yet valid
        raise OSError("printer jammed")

    with pytest.raises(OSError):
        demo.arrivals.reissue_ticket(old.booking.code, deliver=printer_jammed)
    # The visitor's ticket still works (it is recognised; the check-in window opens later).
    assert demo.arrivals.verify(old.token).result is not VerifyResult.FORGED

    delivered: list[Ticket] = []
    new = demo.arrivals.reissue_ticket(old.booking.code, deliver=delivered.append)
    assert delivered == [new]
    assert demo.arrivals.verify(new.token).result is not VerifyResult.FORGED
    assert demo.arrivals.verify(old.token).result is VerifyResult.FORGED
