"""The activity form by touch: the librarian's fields and rules, one step per page.

Minutes and first/repeat visit, topics covered, age group, outcome, an optional note on the
on-screen keyboard. Every step fits a 78x18 screen, so nothing is below the fold; Back and
Next move between steps, Submit on the last one calls ``scout_day.submit_form``. A refusal
is shown in plain words on the step its field is on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from textual import on
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Button, Input, Static

from kiosk.domain.activity import MINUTES_MAX, NOTE_MAX, ActivityDraft
from kiosk.domain.errors import KioskError
from kiosk.domain.models import ActivityRecord, AgeGroup, Outcome, Scout, Topic
from kiosk.domain.scout_day import ScoutConsultation
from screens.common import plain, refusal_words, services_of, store_work
from screens.scout.common import SCOUT_REFUSALS, ScoutScreen
from screens.visitor.common import pager
from screens.widgets import OnScreenKeyboard, Pager
from screens.widgets.words import Words

STEPS = ("minutes", "topics", "age", "outcome", "note")
MINUTE_CHOICES = (15, 30, 45, 60, 90)
MINUTE_STEP = 5
# The step each refused field is chosen on.
FIELD_STEP = {"minutes": 0, "topics": 1, "age_group": 2, "outcome": 3, "note": 4}

CHECK = "\u2714 "


def marked(label: str, on: bool) -> str:
    """A choice's label: chosen ones carry a tick, so the choice never rests on colour alone."""
    return (CHECK if on else "") + label


class ScoutFormScreen(ScoutScreen):
    """One consultation's activity form; pops back to My day once submitted.

    Every choice keeps the half-filled form (``scout_day.keep_draft``): signed out by the
    idle prompt (which says so), the e-scout finds it offered back on My day that day."""

    IDLE_WORDS = "s.more.form_kept"

    @dataclass
    class Recorded(Message):
        record: ActivityRecord

    @dataclass
    class Refused(Message):
        error: KioskError

    def __init__(
        self,
        scout: Scout,
        draft: ActivityDraft,
        consultation: ScoutConsultation,
        topics: list[Topic],
        step: int = 0,
    ) -> None:
        super().__init__(scout)
        self.draft = replace(draft, topics=list(draft.topics))
        self.consultation = consultation
        self.topics = [tp for tp in topics if tp.active or tp.slug in draft.topics]
        self.step = min(max(step, 0), len(STEPS) - 1)
        self._recorded_once = False

    def title_text(self) -> str:
        return self.t("s.form.title", step=self.step + 1, steps=len(STEPS))

    def compose_body(self) -> Iterable[Widget]:
        t = self.t
        d = self.draft
        yield Words(id="s-form-prompt", classes="v-intro")
        with Vertical(id="s-step-minutes", classes="s-step"):
            with Horizontal(classes="s-choices"):
                yield Button("\u2212" + str(MINUTE_STEP), id="s-min-less", classes="s-choice")
                for minutes in MINUTE_CHOICES:
                    yield Button(str(minutes), id=f"s-min-{minutes}", classes="s-choice s-min")
                yield Button("+" + str(MINUTE_STEP), id="s-min-more", classes="s-choice")
            yield Words(id="s-min-value", classes="v-sub")
            yield Words(plain(t("s.form.visit")), classes="v-sub")
            with Horizontal(classes="s-choices"):
                yield Button(id="s-visit-first", classes="s-choice s-visit")
                yield Button(id="s-visit-repeat", classes="s-choice s-visit")
        with Vertical(id="s-step-topics", classes="s-step"):
            yield pager(
                t,
                item_height=3,
                min_column_width=30,
                max_columns=3,
                cell_gap=(0, 2),  # the tiles' own edges keep them apart: more on a page
                id="s-topic-list",
            )
        with Vertical(id="s-step-age", classes="s-step"), Horizontal(classes="s-choices"):
            for age in AgeGroup:
                yield Button(id=f"s-age-{age}", classes="s-choice s-age")
        with Vertical(id="s-step-outcome", classes="s-step"), Horizontal(classes="s-choices"):
            for outcome in Outcome:
                yield Button(id=f"s-outcome-{outcome}", classes="s-choice s-outcome")
        with Vertical(id="s-step-note", classes="s-step"):
            yield Input(
                d.note,
                id="s-note",
                max_length=NOTE_MAX,
                placeholder=t("s.form.note_ph"),
            )
            yield OnScreenKeyboard(
                "text",
                space_label=t("v.key.space"),
                backspace_label=t("v.key.backspace"),
                id="s-note-keys",
            )

    def bar_buttons(self) -> Iterable[Widget]:
        yield Button(plain(self.t("s.form.next")), id="s-form-next", variant="primary")

    async def on_mount(self) -> None:
        t = self.t
        buttons = [
            Button(classes="s-topic", id=f"s-topic-{number}")
            for number, _ in enumerate(self.topics)
        ]
        await self.query_one("#s-topic-list", Pager).set_items(buttons)
        for age in AgeGroup:
            self.query_one(f"#s-age-{age}", Button).label = plain(t(f"lib.age.{age}"))
        self._show_step()

    # -- showing ---------------------------------------------------------------------

    def _show_step(self, message: str = "") -> None:
        t = self.t
        name = STEPS[self.step]
        self.show_title()
        for number, step in enumerate(STEPS):
            self.query_one(f"#s-step-{step}").display = number == self.step
        prompt = self.query_one("#s-form-prompt", Static)
        prompt.update(plain(("\u26a0 " + message) if message else t(f"s.form.{name}")))
        prompt.set_class(bool(message), "v-warn")
        last = self.step == len(STEPS) - 1
        next_button = self.query_one("#s-form-next", Button)
        next_button.label = plain(t("s.form.submit") if last else t("s.form.next"))
        next_button.variant = "success" if last else "primary"
        self._show_choices()
        # Typing goes to the note; on the other steps Enter (or a tap) goes on.
        self.query_one("#s-note" if name == "note" else "#s-form-next").focus()

    def _show_choices(self) -> None:
        t = self.t
        d = self.draft
        for minutes in MINUTE_CHOICES:
            self._mark(f"#s-min-{minutes}", str(minutes), d.minutes == minutes)
        self.query_one("#s-min-value", Static).update(
            plain(t("s.form.minutes_value", minutes=d.minutes))
        )
        self._mark("#s-visit-first", t("s.form.first"), d.first_visit)
        self._mark("#s-visit-repeat", t("s.form.repeat"), not d.first_visit)
        for number, topic in enumerate(self.topics):
            self._mark(f"#s-topic-{number}", topic.name(t.lang), topic.slug in d.topics)
        for age in AgeGroup:
            self._mark(f"#s-age-{age}", t(f"lib.age.{age}"), d.age_group == age)
        for outcome in Outcome:
            self._mark(f"#s-outcome-{outcome}", t(f"lib.outcome.{outcome}"), d.outcome == outcome)
        self._keep()

    def _keep(self) -> None:
        """Keep the form as it is now (in this kiosk's memory, for the day)."""
        if self.scout is not None and not self._recorded_once:
            draft = replace(self.draft, topics=list(self.draft.topics))
            services_of(self).scout_day.keep_draft(self.scout.id, draft, self.step)

    def _mark(self, selector: str, label: str, on: bool) -> None:
        button = self.query_one(selector, Button)
        button.label = plain(marked(label, on))
        button.variant = "primary" if on else "default"

    # -- choosing --------------------------------------------------------------------

    @on(Button.Pressed, ".s-min")
    def _minutes(self, event: Button.Pressed) -> None:
        self.draft.minutes = int((event.button.id or "").removeprefix("s-min-"))
        self._show_choices()

    @on(Button.Pressed, "#s-min-less")
    def _less(self) -> None:
        self.draft.minutes = max(MINUTE_STEP, self.draft.minutes - MINUTE_STEP)
        self._show_choices()

    @on(Button.Pressed, "#s-min-more")
    def _more(self) -> None:
        self.draft.minutes = min(MINUTES_MAX, self.draft.minutes + MINUTE_STEP)
        self._show_choices()

    @on(Button.Pressed, ".s-visit")
    def _visit(self, event: Button.Pressed) -> None:
        self.draft.first_visit = event.button.id == "s-visit-first"
        self._show_choices()

    @on(Button.Pressed, ".s-topic")
    def _topic(self, event: Button.Pressed) -> None:
        slug = self.topics[int((event.button.id or "").removeprefix("s-topic-"))].slug
        chosen = self.draft.topics
        if slug in chosen:
            chosen.remove(slug)
        else:
            chosen.append(slug)
        self._show_choices()

    @on(Button.Pressed, ".s-age")
    def _age(self, event: Button.Pressed) -> None:
        self.draft.age_group = (event.button.id or "").removeprefix("s-age-")
        self._show_choices()

    @on(Button.Pressed, ".s-outcome")
    def _outcome(self, event: Button.Pressed) -> None:
        self.draft.outcome = (event.button.id or "").removeprefix("s-outcome-")
        self._show_choices()

    @on(Input.Changed, "#s-note")
    def _note(self, event: Input.Changed) -> None:
        self.draft.note = event.value
        self._keep()

    # -- moving and submitting -------------------------------------------------------

    @on(Button.Pressed, "#s-form-next")
    def _next(self) -> None:
        if self.step < len(STEPS) - 1:
            self.step += 1
            self._show_step()
            return
        self._submit(replace(self.draft, topics=list(self.draft.topics)))

    def action_back(self) -> None:
        if self.step == 0:
            self.app.pop_screen()
            return
        self.step -= 1
        self._show_step()

    @store_work(group="scout-form-submit")
    def _submit(self, draft: ActivityDraft) -> None:
        assert self.scout is not None
        try:
            record = services_of(self).scout_day.submit_form(self.scout.id, draft)
        except KioskError as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Recorded(record))

    @on(Recorded)
    def _recorded(self) -> None:
        assert self.scout is not None
        self._recorded_once = True
        services_of(self).scout_day.drop_draft(self.scout.id)
        self.app.pop_screen()  # My day reloads on resuming: "form done" shows at once

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        field = getattr(message.error, "field", None)
        if isinstance(field, str) and field in FIELD_STEP:
            self.step = FIELD_STEP[field]
        self._show_step(refusal_words(self.t, message.error, SCOUT_REFUSALS))
