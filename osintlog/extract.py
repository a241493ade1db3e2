"""Report text -> candidate claims: each figure with its sentence, unit, source and as-of date.

The figures are `figure_finder`'s (confirmed by the parser `add` uses, so a candidate always
imports); what each counts is `metric_guess`'s, who said it `attribution`'s, and when
`figure_dates`'s. This module reads the report sentence by sentence and decides which figures
are candidates: not a change, a part of the figure before it, a place, a figure stated twice.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from osintlog.attribution import (
    Said,
    Speakers,
    attribution,
    bracketed_source,
    clause_speakers,
)
from osintlog.dates import after_report, parse_date
from osintlog.errors import BadDate, BadInput
from osintlog.fields import FIELDS, FUTURE
from osintlog.figure_dates import (
    dates_of_figures,
    find_dates,
    heading_date,
    same_side_of_quotes,
    set_against,
)
from osintlog.figure_finder import find_figures, scale_note, scaled
from osintlog.figures import (
    STATES,
)
from osintlog.metric_guess import (
    PART_OF,
    Found,
    found_text,
    guess_metric,
    label_unit,
    tally_unit,
    unit_after,
    unit_before,
)
from osintlog.plain_text import neutralised
from osintlog.sentences import (
    Sentence,
    is_list_item,
    is_question,
    split_sentences,
    table_cells,
    with_question,
)
from osintlog.units import same_metric_unit

# A candidate's columns: a claim's fields, whether its as-of lies after the report (a plan "by
# December", which lets `import` take it), and the report's line its figure is on (which an
# import of the candidates ignores without a word).
CANDIDATE_COLUMNS = (*FIELDS, FUTURE, "line")

_LEADING_DATE = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*\n?", re.IGNORECASE)


# --- who said it, and when ---------------------------------------------------------------------

# A sentence that opens with a pronoun goes on with the claim of the sentence before it.
_CONTINUES = re.compile(
    r"^(?:[^,]{0,40},\s*)?(?:he|she|they|it|this|these|those|of these|of them|of whom)\b",
    re.IGNORECASE,
)


# --- the whole report --------------------------------------------------------------------------


# A byline ("By Jane Doe, Test Wire") names the outlet; a dateline ("Published 3 May 2025")
# the report's date.
_BYLINE = re.compile(r"^[ \t]*By\s+[^,\n]{2,60},[ \t]*([^,\n]{2,60}?)[ \t]*$", re.MULTILINE)
_DATELINE = re.compile(
    r"^[ \t]*(?:Published|Posted|Updated)(?:\s+on)?:?\s+(.+?)(?:,?\s+\d{1,2}[:.]\d{2}.*)?[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
# A line of a report's head that is only its day ("Saturday 3 May 2025 09.15 BST", "May 3, 2025,
# 10:32 AM ET"): read among its first lines alone, where a page gives its date.
_DAY_LINE = re.compile(r"[ \t]*([^|\n]*?\d{4})(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}\b.*)?[ \t]*")
_HEADER_LINES = 5


def reported_date(text: str, given: str | None, today: date) -> tuple[str, str, int]:
    """The report's date (from --reported, else a leading `date YYYY-MM-DD` line, else the
    report's own "Published DATE" line, else a line of its head that is only a day), the text
    without the `date` line, and the number of the report's line the rest starts on."""
    match = _LEADING_DATE.match(text)
    body = text[match.end() :] if match else text
    first_line = text.count("\n", 0, match.end()) + 1 if match else 1
    if given:
        return parse_date(given, today=today), body, first_line
    if match:
        return match.group(1), body, first_line
    header = [line for line in body.splitlines() if line.strip()][:_HEADER_LINES]
    datelines = [*_DATELINE.finditer(body), *filter(None, map(_DAY_LINE.fullmatch, header))]
    for dateline in datelines:
        with contextlib.suppress(BadDate):
            day = parse_date(dateline.group(1), today=today)
            if len(day) == 10:
                return day, body, first_line
    raise BadInput(
        "no reported date: give --reported DATE, or start the text with a line 'date YYYY-MM-DD'"
    )


def byline_outlet(text: str) -> str | None:
    """The outlet a byline names ("By Jane Doe, Test Wire"), else a wire dateline ("KYIV, Oct 20
    (Reuters) -", "MOSCOW (Test Wire) —"), if the report has one."""
    match = _BYLINE.search(text) or _WIRE_DATELINE.search(text)
    return match.group(1).strip() if match else None


_WIRE_DATELINE = re.compile(
    r"^[ \t]*[A-Z][A-Z .'-]{1,40}(?:,[ \t]*[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2})?[ \t]+"
    r"\(([A-Z][\w &.'-]{1,40})\)[ \t]*[-–—]",
    re.MULTILINE,
)


def extract(
    text: str, *, today: date, reported: str | None = None, via: str | None = None
) -> list[dict[str, Any]]:
    """Candidate claims, in the order the report states them, as claim-shaped records. The
    report's text is neutralised first (`plain_text.neutralised`): no escape sequence reaches
    a quote, or is read as a figure. Without `reported` or a `date` line, the report's own
    "Published DATE" line dates it; without `via`, its byline's outlet ("By NAME, OUTLET") is
    the outlet."""
    report_date, body, first_line = reported_date(neutralised(text), reported, today)
    reader = _Reader(report_date, today, via or byline_outlet(body))
    sentences = split_sentences(body, first_line)
    candidates, headlines = [], []
    for index in range(len(sentences)):
        found = reader.read(sentences, index)
        candidates += found
        headlines += found if _is_headline(sentences, index) else []
    return _stated_once(_one_unit_per_metric(candidates), headlines)


_SAME_CLAIM = ("metric", "unit", "low", "high", "best", "qualifier", "source", "as_of", "future")


def _stated_once(
    candidates: list[dict[str, Any]], headlines: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """No candidate for a headline's figure that the story states again: the same figure of the
    same metric, by the same source, of the same date, is one claim, quoted by the story's
    sentence; imported twice, it would stand beside itself. (Two sentences of the story that
    give the same figure are both kept: they may be two places' counts.)"""
    in_headline = {id(candidate) for candidate in headlines}
    in_story = {_claim_key(c) for c in candidates if id(c) not in in_headline}
    return [c for c in candidates if id(c) not in in_headline or _claim_key(c) not in in_story]


def _claim_key(candidate: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(candidate[name] for name in _SAME_CLAIM)


def _is_headline(sentences: list[Sentence], index: int) -> bool:
    """A paragraph of one line that ends without a stop: a headline or a caption."""
    sentence = sentences[index]
    alone = all(
        not 0 <= other < len(sentences) or sentences[other].paragraph != sentence.paragraph
        for other in (index - 1, index + 1)
    )
    return alone and not re.search(r"[.!?:;\"”’')]\s*$", sentence.text)


@dataclass
class _Reader:
    """What reading a report keeps from one sentence to the next: its date and outlet, the
    speakers named, the date before, the list or table being read, the question answered."""

    reported: str
    today: date
    via: str | None
    last_speaker: str | None = None
    speakers: Speakers = field(default_factory=Speakers)  # "the ministry" named in full before
    last_as_of: str | None = None  # the previous sentence's: "A week earlier, ..." counts back
    list_as_of: str | None = None  # the date of the list being read, from its heading
    list_scale: tuple[int, str] | None = None  # its figures in thousands, from its heading
    header: list[str] = field(default_factory=list)  # of the table being read
    question: Sentence | None = None  # an interview's, that the next sentences answer

    def read(self, sentences: list[Sentence], index: int) -> list[dict[str, Any]]:
        """The candidates of the sentence at `index`."""
        sentence = self._answering(sentences[index])
        said = attribution(sentence.text, self.last_speaker)
        said = self.speakers.named(said) if said else None
        self.last_speaker = said or self.last_speaker
        figures = find_figures(sentence.text)
        scale = scale_note(sentence.text)
        cells = table_cells(sentence.text)
        self.header = _table_header(cells, figures, self.header)
        if not figures:
            self._read_heading(sentence.text, cells, scale)
            return []
        if not is_list_item(sentence.text):
            self.list_as_of = self.list_scale = None
        elif said is None and (bracketed := bracketed_source(sentence.text)):
            said = self.speakers.named(bracketed)  # "- Tanks: 11,300 (General Staff)"
        figures = scaled(figures, scale or self.list_scale)
        if said is None and _continues(sentences, index):
            before = attribution(sentences[index - 1].text, self.last_speaker)
            said = self.speakers.named(before) if before else None
        where = _Where(
            sentence, self._as_ofs(sentence, figures), self.reported, said or self.via, self.via
        )
        where.turns = clause_speakers(sentence.text, self.last_speaker)
        for turn in where.turns:
            turn.speaker = self.speakers.named(turn.speaker)
        if cells is None:
            return _sentence_candidates(figures, where)
        return _table_candidates(figures, where, cells, self.header, self.today)

    def _read_heading(
        self, text: str, cells: list[str] | None, scale: tuple[int, str] | None
    ) -> None:
        """A line without figures: the date of the sentence before ends there; a list's heading
        ("Key figures (as of November 30):", "Losses, in thousands:") dates and scales the items
        under it, and a table's header "(thousands)" scales its rows."""
        self.last_as_of = None
        heading = text.rstrip().endswith(":")
        self.list_as_of = heading_date(text, self.reported, self.today) if heading else None
        if heading or (cells is not None and scale):
            self.list_scale = (-1, scale[1]) if scale else None

    def _answering(self, sentence: Sentence) -> Sentence:
        """The sentence, read after the question it answers, if it does ("Q: How many drones
        were launched in October?" then "A: Around 5,200"): the question tells what its figures
        count and when."""
        if is_question(sentence.text):
            self.question = None if find_figures(sentence.text) else sentence
        elif self.question and self.question.paragraph == sentence.paragraph:
            return with_question(sentence, self.question)
        else:
            self.question = None
        return sentence

    def _as_ofs(self, sentence: Sentence, figures: list[Found]) -> list[str | None]:
        dates = find_dates(sentence.text)
        spans = [(found.start, found.end) for found in figures]
        as_ofs = dates_of_figures(
            sentence.text, dates, spans, self.reported, self.today, self.last_as_of
        )
        as_ofs = same_side_of_quotes(sentence.text, spans, dates, as_ofs)
        as_ofs = [as_of or self.list_as_of for as_of in as_ofs]
        self.last_as_of = as_ofs[-1]
        return as_ofs


@dataclass
class _Where:
    """What a sentence's candidates share: the sentence, each figure's as-of, the report's date,
    the source and the outlet."""

    sentence: Sentence
    as_ofs: list[str | None]
    reported: str
    source: str | None
    via: str | None
    turns: list[Said] = field(default_factory=list)  # clauses with a speaker of their own

    def source_at(self, position: int) -> str | None:
        """The source of a figure at `position`: its clause's own speaker, else the sentence's."""
        return next((t.speaker for t in reversed(self.turns) if t.start < position), self.source)


def _sentence_candidates(figures: list[Found], where: _Where) -> list[dict[str, Any]]:
    """The candidates of a sentence's figures: each figure with its unit (its own noun, else
    the one before it in the sentence, else a noun before it) and guessed metric; not a figure
    that says where, a part of the one before it that counts the same, a change, a bare small
    number, or an earlier figure with no word of when."""
    text, candidates = where.sentence.text, []
    previous_unit, previous_metric = tally_unit(text), None
    for place, (found, as_of) in enumerate(zip(figures, where.as_ofs, strict=True)):
        own_unit = unit_after(text, found.end)
        unit = (
            ("%" if found.figure.unit == "%" else None)
            or found.currency
            or own_unit
            or previous_unit
            or unit_before(text, found.start)
        )
        metric = guess_metric(unit, text, found, _neighbours(figures, place))
        if _says_where(text, found, unit, place) or (
            place and metric == previous_metric and _is_a_part(text, found)
        ):
            continue  # beside the whole, of the same metric and day, diff would read a fall
        previous_unit = unit if unit != "%" else previous_unit
        previous_metric = metric
        bare = unit is None and _bare_small_number(found)
        if (bare and not _befell(text, found)) or _is_a_change(text, found):
            continue
        if as_of is None and set_against(text, found.start):
            continue  # "up from 3,000", with no word of when: no claim can be dated by it
        candidates.append(_candidate(where, found, metric, unit, as_of))
    return candidates


def _table_candidates(
    figures: list[Found], where: _Where, cells: list[str], header: list[str], today: date
) -> list[dict[str, Any]]:
    """The candidates of a table's row: each figure counts what the row's label names, and
    what befell them is its column's ("| Tanks | 3,210 | 412 |" under "| | Destroyed | Damaged
    |"); a column named by a date dates its figures ("| | 2024 | 2025 |")."""
    text, candidates = where.sentence.text, []
    unit = label_unit(cells[0])
    for found, as_of in zip(figures, where.as_ofs, strict=True):
        column = text.count("|", 0, found.start) - 1
        if column < 1:
            continue  # a number in the row's label
        name = header[column] if column < len(header) else ""
        if _TABLE_CHANGE.search(name) or cells[column][:1] in ("+", "−", "-"):
            continue  # "| Tanks | 11,012 | +4 |" under "| | Total | Change |": no count
        with contextlib.suppress(BadDate):
            as_of = parse_date(name, today=today, reported=where.reported) if name else as_of
        found_unit = "%" if found.figure.unit == "%" else found.currency or unit
        named = f"{cells[0]} {name} "  # what a sentence would say: "Tanks destroyed 3,210"
        at = Found(len(named), len(named), found.figure)
        metric = guess_metric(found_unit, named, at)
        if unit is None and (slug := re.sub(r"[^a-z0-9]+", "_", cells[0].lower()).strip("_")):
            metric = f"{metric}_{slug}"  # a row of a place ("Kharkiv"): a series of its own
        candidates.append(_candidate(where, found, metric, found_unit, as_of))
    return candidates


def _table_header(cells: list[str] | None, figures: list[Found], header: list[str]) -> list[str]:
    """The header of the table being read: a row without figures names the columns (the rule
    under it, "|---|---:|", aside); outside a table, none."""
    if cells is None:
        return []
    if figures or _TABLE_RULE.fullmatch("".join(cells)):
        return header
    return cells


# A table's column of changes, not counts.
_TABLE_CHANGE = re.compile(r"(?i)chang|differ|increase|decrease|delta|Δ|\+/[-−]")
# A table's rule between its header and its rows: "|---|---:|".
_TABLE_RULE = re.compile(r"[\s:|-]*-[\s:|-]*")


def _neighbours(figures: list[Found], index: int) -> list[Found]:
    """The figures either side of the figure at `index`: the only ones that may own a word
    between it and them (`_belongs_to`)."""
    return figures[max(0, index - 1) : index] + figures[index + 1 : index + 2]


def _one_unit_per_metric(candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A metric has one unit: a candidate whose unit differs from the first of its guessed
    metric's gets a metric of its own, named after its unit (troops.deployed_people), so that
    the candidates import as they are; the analyst may rename them."""
    units: dict[str, str] = {}
    for candidate in candidates:
        unit = candidate["unit"]
        if not unit:
            continue
        first = units.setdefault(candidate["metric"], unit)
        if not same_metric_unit(unit, first):
            slug = "pct" if unit == "%" else re.sub(r"[^a-z0-9]+", "_", unit.lower()).strip("_")
            candidate["metric"] = f"{candidate['metric']}_{slug}"
            units.setdefault(candidate["metric"], unit)
    return candidates


# A percentage that says how much something changed, not how much there is: "up 20%", "fell
# by 12 percent", "a 15% rise", "20% more than".
_CHANGE_BEFORE = re.compile(
    r"\b(?:up|down|rose|fell|grew|dropped|climbed|jumped|increased|decreased|declined|surged"
    r"|plunged|by)\s+(?:(?:about|around|nearly|almost|some|roughly|more than|over)\s+)?$",
    re.IGNORECASE,
)
_CHANGE_AFTER = re.compile(
    r"\s*(?:rise|increase|drop|fall|decline|jump|surge|growth|more|less|fewer|higher|lower|up"
    r"|down)\b",
    re.IGNORECASE,
)


def _is_a_change(sentence: str, found: Found) -> bool:
    """Whether the figure is a change, not a count: a tally's day's increase ("tanks — 11,012
    (+4)"), a percentage that rose or fell ("up 20% from a year earlier"), not a share."""
    if _INCREMENT_MARK.search(sentence, max(0, found.start - 4), found.start):
        return True
    if _POINTS.match(sentence, found.end):  # "fell by 3 percentage points": a difference
        return True
    if _RATIO_BEFORE.search(sentence, max(0, found.start - 16), found.start):
        return True  # "3 in 10 shelters were full": a share, not ten shelters
    if found.figure.unit != "%":
        return False
    before = sentence[max(0, found.start - 30) : found.start]
    return bool(_CHANGE_BEFORE.search(before) or _CHANGE_AFTER.match(sentence, found.end))


_RATIO_BEFORE = re.compile(
    r"\b(?:\d{1,3}|one|two|three|four|five|six|seven|eight|nine)\s+(?:in|out of)\s+$",
    re.IGNORECASE,
)


def _is_a_part(sentence: str, found: Found) -> bool:
    """Whether the figure is a part of the one before it: "45 drones, including 18 over the
    Bryansk region", "5,800 soldiers; 1,700 of them deserted"."""
    before = sentence[max(0, found.start - 12) : found.start]
    return bool(PART_OF.search(before) or _OF_THEM.match(sentence, found.end))


def _says_where(sentence: str, found: Found, unit: str | None, place: int) -> bool:
    """Whether a figure of places says where something happened: "strikes across six
    regions", "shot down 45 drones over seven regions" (where "over" follows another figure)."""
    if not unit or unit.split()[-1].lower() not in _PLACES:
        return False
    before = sentence[max(0, found.start - 8) : found.start]
    over = place and (re.match(r"(?i)over\s", found_text(sentence, found)) or _OVER.search(before))
    return bool(_ACROSS.search(before) or over)


_OF_THEM = re.compile(r"\s+of\s+(?:them|these|those)\b", re.IGNORECASE)
_PLACES = frozenset(
    "region regions oblast oblasts province provinces district districts city cities town towns "
    "village villages area areas country countries".split()
)
_OVER = re.compile(r"\bover\s+$", re.IGNORECASE)
_ACROSS = re.compile(r"\bacross\s+$", re.IGNORECASE)
_POINTS = re.compile(r"\s*(?:percentage|%)\s+points?\b|\s*pp\b", re.IGNORECASE)
_INCREMENT_MARK = re.compile(r"\(\s*[+−-]\s*$")


def _befell(sentence: str, found: Found, words: int = 1) -> bool:
    """Whether what befell the counted follows the figure, within so many words: "31 killed",
    "12 wounded" (and, within three, "600 were killed", "12 have been injured")."""
    following = re.findall(r"[A-Za-z]+", sentence[found.end : found.end + 40])[:words]
    return any(word.lower() in STATES for word in following)


def _bare_small_number(found: Found) -> bool:
    """A lone whole number under 100 that counts nothing named (an age, a list item)."""
    figure = found.figure
    return figure.qualifier == "exact" and figure.best is not None and figure.best < 100


def _continues(sentences: list[Sentence], index: int) -> bool:
    previous = sentences[index - 1] if index else None
    return (
        previous is not None
        and previous.paragraph == sentences[index].paragraph
        and bool(_CONTINUES.match(sentences[index].text))
    )


def _candidate(
    where: _Where, found: Found, metric: str, unit: str | None, as_of: str | None
) -> dict[str, Any]:
    figure = found.figure
    record: dict[str, Any] = dict.fromkeys(FIELDS)
    record.update(
        metric=metric,
        value=figure.value,
        low=figure.low,
        high=figure.high,
        best=figure.best,
        qualifier=figure.qualifier,
        unit=unit,
        as_of=as_of,
        reported=where.reported,
        source=where.source_at(found.start),
        via=where.via,
        quote=where.sentence.text,
        tags=[],
        line=where.sentence.line_at(found.start),
    )
    record[FUTURE] = as_of is not None and after_report(as_of, where.reported)
    return record
