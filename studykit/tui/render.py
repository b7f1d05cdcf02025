"""Card sides and times as Rich `Text` for the review UI.

Owns how a card reads in the terminal: the cloze blank and the filled-in answer
highlighted, dates in the study day's time zone, durations. Intervals ("10m", "in 3d") are
`studykit.timespan`'s, in its short wording; `interval` and `relative` are passed on here.
Every piece of card text goes through `terminal_text.card_text`, so nothing a web page
wrote is ever parsed as markup; the UI only ever gets `Text` objects from here.
"""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from studykit import cloze as cloze_syntax
from studykit import latex, schedule
from studykit.schedule import Settings
from studykit.store import StoredCard
from studykit.terminal_text import card_text, clean
from studykit.timespan import interval as interval  # the review UI's short wording
from studykit.timespan import relative

BLANK = "[...]"
BLANK_STYLE = "bold yellow"
ANSWER_STYLE = "bold black on yellow"
# {{c1::answer}} or {{c1::answer::hint}}; cards.py keeps `}}` out of the answer.
RATING_LABELS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
STATE_STYLES = {"new": "bold #5fafff", "learning": "bold #ff8700", "relearning": "bold #ff8700",
                "review": "bold #5fd75f"}


def front(card: StoredCard) -> Text:
    """The question side; a cloze card's blanks stand out."""
    if card.kind != "cloze" or BLANK not in card.front:
        return card_text(card.front)
    out = Text()
    for i, part in enumerate(card.front.split(BLANK)):
        if i:
            out.append(BLANK, style=BLANK_STYLE)
        out.append_text(card_text(part))
    return out


def cloze_filled(cloze: str) -> Text:
    """The cloze sentence with every deletion filled in and highlighted."""
    out = Text()
    last = 0
    for m in cloze_syntax.DELETION.finditer(cloze):
        out.append_text(card_text(cloze[last:m.start()]))
        out.append_text(card_text(m.group(2), style=ANSWER_STYLE))
        last = m.end()
    out.append_text(card_text(cloze[last:]))
    return out


def back(card: StoredCard) -> Text:
    """The answer side: a cloze card's sentence filled in, else the back as written.

    A deletion inside a formula cannot be highlighted without cutting the formula apart,
    so such a card shows its back: the whole formula.
    """
    if card.kind == "cloze" and card.cloze and cloze_syntax.DELETION.search(card.cloze):
        if not any(_inside_math(card.cloze, m.start()) for m in cloze_syntax.DELETION.finditer(card.cloze)):
            return cloze_filled(card.cloze)
    return card_text(card.back)


def _inside_math(text: str, i: int) -> bool:
    return any(span.start < i < span.end for span in latex.find_math(text))


def cloze_sides(cloze: str) -> tuple[str, str]:
    """(front, back) of a cloze card from its cloze text: blanks, and the answers filled in."""
    return cloze_syntax.DELETION.sub(BLANK, cloze), cloze_syntax.DELETION.sub(lambda m: m.group(2), cloze)


def where(card: StoredCard) -> Text:
    """'Series › Post title', plain text only."""
    out = Text()
    out.append(clean(card.series), style="bold")
    out.append(" › ")
    out.append(clean(card.post_title), style="italic")
    return out


def one_line(text: str, width: int = 80) -> Text:
    """Card text squeezed onto one line (for tables), cut with an ellipsis."""
    flat = card_text(" ".join(text.split()))
    flat.no_wrap = True
    flat.truncate(width, overflow="ellipsis")
    return flat


def local(when: datetime, settings: Settings) -> datetime:
    """`when` in the study day's time zone (the system's when the setting is `local`)."""
    return when.astimezone(schedule.zone(settings))


def moment(when: datetime, now: datetime, settings: Settings) -> str:
    """'Tue 03 Mar 09:00 (in 21h)'."""
    return f"{local(when, settings):%a %d %b %H:%M} ({relative(when, now)})"


def duration(seconds: float) -> str:
    """'45 s', '3 min 12 s', '1 h 05 min'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, secs = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def count(n: int, style: str, width: int) -> Text:
    """A count right-aligned in `width` cells, dim when zero."""
    return Text(str(n).rjust(width), style=style if n else "dim")
