"""Words wrap at ordinary spaces only: a no-break space keeps its two halves on one line."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.content import Content

from kiosk.i18n import no_break
from screens.widgets.words import NBSP, Words, line_breaks, wrapped

# Letters, digits, punctuation, ordinary spaces and newlines: no no-break space.
PLAIN = st.text(alphabet=st.sampled_from(list("abcdeąčėšž0123.,:– \n")), max_size=120)


def lines(content: Content) -> list[str]:
    return [line.plain for line in content.split(allow_blank=True)]


@given(text=PLAIN, width=st.integers(min_value=1, max_value=40))
def test_without_no_break_spaces_the_lines_are_textuals_own(text: str, width: int) -> None:
    # What Textual draws of the lines broken here is what it draws of the text itself.
    drawn = [line.plain for line in wrapped(Content(text), width).wrap(width)]
    assert drawn == [line.plain for line in Content(text).wrap(width)]


@given(
    words=st.lists(st.sampled_from(["30 d.", "e. paslaugos", "el. paštas", "po", "konsultacijos"])),
    width=st.integers(min_value=13, max_value=40),
)
def test_no_line_ends_or_starts_inside_a_kept_phrase(words: list[str], width: int) -> None:
    text = no_break(" ".join(words))
    for line in lines(wrapped(Content(text), width)):
        assert len(line) <= width
        assert not line.endswith(NBSP) and not line.startswith(NBSP)
        assert not line.endswith(("30", "e.", "el.")), line  # the first half never alone


def test_a_break_falls_before_the_phrase_not_inside_it() -> None:
    text = no_break("Jie ištrinami praėjus 30 d. po konsultacijos.")
    assert line_breaks(text, 24) == [text.index("30")]


async def test_a_words_widget_draws_the_phrase_on_one_line() -> None:
    text = no_break("Nemokamos konsultacijos su e. skautu: telefonas, internetas, e. paslaugos.")

    class One(App[None]):
        CSS = "Words { width: 72; }"

        def compose(self) -> ComposeResult:
            yield Words(text)

    async with One().run_test(size=(80, 10)) as pilot:
        drawn = [
            strip.text
            for strip in pilot.app.query_one(Words).render_lines(
                pilot.app.query_one(Words).content_region.reset_offset
            )
        ]
    assert [line.rstrip() for line in drawn if line.strip()] == [
        no_break("Nemokamos konsultacijos su e. skautu: telefonas, internetas,"),
        no_break("e. paslaugos."),
    ]


def test_every_text_on_the_screens_is_words() -> None:
    """Screens show text through Words and WordsLabel, never a bare Static or Label, so no
    line of theirs breaks at a no-break space."""
    screens = Path(__file__).resolve().parents[2] / "screens"
    bare = re.compile(r"(?<![\w.])(Static|Label)\(")
    found = [
        f"{path.relative_to(screens.parent)}:{n}"
        for path in sorted(screens.rglob("*.py"))
        if path.name != "words.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if bare.search(line)
    ]
    assert found == []
