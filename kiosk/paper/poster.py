"""The wall poster: the week's free e-scout times by topic and place, who e-scouts are and how
to book, on one A4 (or A3) page, in one language.

Black on white only (a library's office printer is often black and white): headings are bold
and larger, rules are thin black lines. The text is in the bundled Unicode font, embedded.
Long weeks make the type smaller; the poster never runs onto a second page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kiosk.domain.validation import display_phone
from kiosk.domain.week_times import WEEK_DAYS, TopicWeek
from kiosk.i18n import Translator
from kiosk.paper.ticket_render import BOLD, REGULAR

# Page sizes in mm (fpdf2's units here): portrait A4 and A3.
A4 = (210.0, 297.0)
A3 = (297.0, 420.0)
MARGIN_SHARE = 0.06  # of the page's width, each side
SCALES = tuple(s / 100 for s in range(100, 39, -5))
NO_BREAK = "\u00a0"


@dataclass(frozen=True)
class PosterContent:
    lang: str
    library: str
    title: str
    week: str  # "Laisvi laikai: gruodžio 7–13 d."
    who_title: str
    who: str
    times_title: str
    rows: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]  # topic, ((place, times), ...)
    none: str  # said instead of the rows when the week has no free time
    how_title: str
    how: tuple[str, ...]

    def plain_lines(self) -> list[str]:
        lines = [self.library, self.title, self.who_title, self.who, self.how_title, *self.how]
        lines += [self.times_title, self.week]
        for topic, places in self.rows:
            lines.append(topic)
            lines.extend(f"{place}: {times}" for place, times in places)
        if not self.rows:
            lines.append(self.none)
        return lines


def build_poster_content(
    t: Translator, library: str, first_day: date, weeks: list[TopicWeek], phone: str = ""
) -> PosterContent:
    """The poster's words in ``t``'s language for the 7 days from ``first_day``; ``phone``
    (the desk's, E.164) adds a line "or call the library" when given."""
    from babel.dates import format_date, format_skeleton

    lang = t.lang
    last_day = first_day + timedelta(days=WEEK_DAYS - 1)
    rows = []
    for week in weeks:
        places = []
        for place in week.places:
            by_day: dict[date, list[str]] = {}
            for span in place.spans:
                by_day.setdefault(span.start.date(), []).append(
                    f"{t.time(span.start)}–{t.time(span.end)}"
                )
            # "an 11-24 10:00–11:00, 17:00–18:00 · kt 11-26 15:00–18:00": a day's words joined
            # by no-break spaces, so a line breaks between days, not inside one.
            times = " · ".join(
                NO_BREAK.join(
                    [
                        format_date(day, "EEE", locale=lang),
                        *format_skeleton("MMMd", day, locale=lang).split(),
                        f",{NO_BREAK}".join(spans),
                    ]
                )
                for day, spans in by_day.items()
            )
            places.append((place.place, times))
        rows.append((week.topic.name(lang), tuple(places)))
    return PosterContent(
        lang=lang,
        library=library,
        title=t("v.poster.title"),
        week=t(
            "v.poster.week",
            first=format_skeleton("MMMMd", first_day, locale=lang),
            last=format_skeleton("MMMMd", last_day, locale=lang),
        ),
        who_title=t("v.poster.who_title"),
        who=t("v.poster.who"),
        times_title=t("v.poster.times_title"),
        rows=tuple(rows),
        none=t("v.poster.none"),
        how_title=t("v.poster.how_title"),
        how=(
            t("v.poster.how_kiosk"),
            t("v.poster.how_desk"),
            *([t("v.poster.how_phone", phone=display_phone(phone))] if phone else []),
        ),
    )


@dataclass(frozen=True)
class _Para:
    text: str
    size: float  # pt at full scale
    bold: bool = False
    gap: float = 1.0  # mm after, at full scale
    indent: float = 0.0  # mm
    rule: bool = False  # a thin line above it


def _paragraphs(content: PosterContent) -> tuple[list[_Para], list[_Para]]:
    """(across the page, the times): who e-scouts are and how to book come before the times,
    so when even the smallest type is too big, only the end of the times is left off."""
    head = [
        _Para(content.library, 16, gap=2),
        _Para(content.title, 40, bold=True, gap=3),
        _Para(content.who_title, 18, bold=True, gap=1.5, rule=True),
        _Para(content.who, 14, gap=4),
        _Para(content.how_title, 18, bold=True, gap=1.5, rule=True),
        *(_Para(f"• {line}", 14, gap=1.5) for line in content.how),
        _Para(content.times_title, 18, bold=True, gap=1, rule=True),
        _Para(content.week, 14, gap=3),
    ]
    times: list[_Para] = []
    for topic, places in content.rows:
        times.append(_Para(topic, 14, bold=True, gap=0.5))
        times.extend(_Para(f"{place}: {when}", 12, gap=0.5, indent=4) for place, when in places)
        last = times[-1]
        times[-1] = _Para(last.text, last.size, gap=3, indent=last.indent)
    if not content.rows:
        times.append(_Para(content.none, 14, gap=3))
    return head, times


def poster_pdf(content: PosterContent, a3: bool = False) -> bytes:
    """The poster as one portrait A4 (or A3) page: left-aligned text, larger type for the
    headings, the times in two columns when there are many, smaller type for a long week
    until it fits."""
    from fpdf import FPDF  # fpdf2 only when a poster is made

    size = A3 if a3 else A4
    pdf = FPDF(format=size)
    margin = size[0] * MARGIN_SHARE
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(auto=False)
    pdf.add_font("poster", "", str(REGULAR))
    pdf.add_font("poster", "B", str(BOLD))
    pdf.add_page()
    pdf.set_draw_color(0)
    head, times = _paragraphs(content)
    # A3 is A4 enlarged by the square root of two: the same poster, bigger type.
    grow = size[0] / A4[0]
    gutter = 8 * grow
    columns = 2 if len(content.rows) > 4 else 1
    column_width = (pdf.epw - gutter * (columns - 1)) / columns

    def font(para: _Para, scale: float) -> None:
        pdf.set_font("poster", "B" if para.bold else "", para.size * scale * grow)

    def lines(para: _Para, scale: float, width: float) -> list[str]:
        font(para, scale)
        found = pdf.multi_cell(
            width - para.indent * grow, 1, para.text, dry_run=True, output="LINES"
        )
        assert isinstance(found, list)
        return [str(line) for line in found] or [""]

    def leading(para: _Para, scale: float) -> float:
        return para.size * scale * grow * 0.45

    def tall(para: _Para, scale: float, width: float) -> float:
        rule = 3 if para.rule else 0
        return (
            len(lines(para, scale, width)) * leading(para, scale) + (para.gap + rule) * scale * grow
        )

    def split(scale: float) -> list[list[_Para]]:
        """The times in ``columns`` columns of about equal height, a topic never split."""
        topics: list[list[_Para]] = []
        for para in times:
            if para.bold or not topics:
                topics.append([])
            topics[-1].append(para)
        if columns == 1:
            return [times]
        heights = [sum(tall(p, scale, column_width) for p in topic) for topic in topics]
        half, run, cut_at = sum(heights) / 2, 0.0, len(topics)
        for n, h in enumerate(heights):
            if run + h / 2 > half:
                cut_at = n
                break
            run += h
        return [
            [p for topic in topics[:cut_at] for p in topic],
            [p for topic in topics[cut_at:] for p in topic],
        ]

    def height(scale: float) -> float:
        top = sum(tall(p, scale, pdf.epw) for p in head)
        return top + max(sum(tall(p, scale, column_width) for p in col) for col in split(scale))

    bottom = pdf.h - margin
    scale = next((s for s in SCALES if height(s) <= bottom - margin), SCALES[-1])

    def draw(paras: list[_Para], x: float, y: float, width: float) -> float:
        for para in paras:
            if para.rule:
                y += 1.5 * scale * grow
                pdf.set_line_width(0.4 * grow)
                pdf.line(x, y, x + width, y)
                y += 1.5 * scale * grow
            step = leading(para, scale)
            for line in lines(para, scale, width):
                if y + step > bottom:  # past the smallest type: the rest is left off
                    return y
                font(para, scale)
                pdf.set_xy(x + para.indent * grow, y)
                pdf.cell(text=line, h=step, align="L")
                y += step
            y += para.gap * scale * grow
        return y

    y = draw(head, margin, margin, pdf.epw)
    for n, column in enumerate(split(scale)):
        draw(column, margin + n * (column_width + gutter), y, column_width)
    return bytes(pdf.output())
