"""A report's text as sentences: its paragraphs (a headline, a byline or a timestamp on its own),
each split at its sentence ends (not after an abbreviation or an initial), a run of text too long
to be a sentence cut into pieces, and for each character of a sentence the report's line it is
on. Linear on any text (see benchmarks/extract_hostile.py)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

ABBREVIATIONS = frozenset(
    """u.s u.k u.n e.u gen lt col maj capt sgt adm cmdr gov sen rep pres mr mrs ms dr prof st
    jan feb mar apr jun jul aug sep sept oct nov dec no nos vs approx est e.g i.e etc al fig
    inc ltd co corp jr sr""".split()
)
# A match starts only where a run of stops starts, so a run of 30,000 dots is read once.
_SENTENCE_END = re.compile(r"""(?<![.!?])[.!?]+["”’')\]]*(?=\s+["“‘(\[]?[A-Z0-9])""")
# No sentence of a report is longer; a longer run of text is read in pieces of at most this
# many characters, cut between words, so that the work per sentence is bounded (see
# benchmarks/extract_hostile.py).
MAX_SENTENCE = 1_000


@dataclass
class Sentence:
    text: str
    paragraph: int
    # Where the sentence starts in its paragraph, and where each of the paragraph's lines starts
    # there, with its line number in the report: a figure's own line is told from them.
    offset: int = 0
    line_starts: list[int] = field(default_factory=lambda: [0])
    line_numbers: list[int] = field(default_factory=lambda: [1])

    @property
    def line(self) -> int:
        """The line the sentence starts on."""
        return self.line_at(0)

    def line_at(self, position: int) -> int:
        """The report's line that the sentence's character at `position` is on."""
        index = bisect.bisect_right(self.line_starts, self.offset + position) - 1
        return self.line_numbers[max(index, 0)]


def split_sentences(text: str, first_line: int = 1) -> list[Sentence]:
    """Sentences, paragraph by paragraph; line breaks inside a paragraph are spaces, and a full
    stop after an abbreviation (U.S., Gen., Jan.) or an initial does not end a sentence. A
    headline, a byline, a caption or a timestamp is a paragraph of its own (`_paragraphs`).
    Lines are numbered from `first_line`."""
    sentences: list[Sentence] = []
    for number, (lines, line) in enumerate(_paragraphs(text, first_line)):
        paragraph, starts, numbers = _joined_lines(lines, line)
        start = 0
        ends = [
            match.end()
            for match in _SENTENCE_END.finditer(paragraph)
            if not _ends_with_abbreviation(paragraph, match.start() + 1)
        ]
        for end in [*ends, len(paragraph)]:
            for offset, piece in _pieces(paragraph, start, end):
                sentences.append(Sentence(piece, number, offset, starts, numbers))
            start = end
    return sentences


# A line that is no part of the prose around it: a byline, a timestamp, a caption's credit.
_STANDALONE = re.compile(
    r"(?:By\s+[A-Z]|Updated\b|Published\b|Posted\b|Last updated\b|Photo\b|Image\b|Caption\b"
    r"|Source:|Credit:|\d{1,2}:\d{2}\b|\d+\s+(?:seconds?|minutes?|hours?|days?)\s+ago\b)",
    re.IGNORECASE,
)
_ENDS_A_SENTENCE = re.compile(r"[.!?:;\"”’)]\s*$")
# An item of a list: a line of its own, whatever stop it lacks ("- Troops deployed: 48,000").
_LIST_ITEM = re.compile(r"(?:[-*•–—▪◦]|\d{1,2}[.)]|[a-z][)])\s+\S")
# A line of a tally, a label and its figure: "tanks — 11,012 (+4)", "Drones: 410".
_TALLY = re.compile(
    r"[^\W\d_][^—–:\d]{0,40}?\s*(?:[—–:]|\s-\s)\s*"
    r"(?:[~≈]\s*|(?:about|approximately|some|over|more than|at least)\s+)?\d"
)
_LONGEST_TALLY = 80


def table_cells(line: str) -> list[str] | None:
    """The cells of a row of a table written with pipes ("| Tanks | 3,210 | 412 |", as
    Markdown has it), or None for any other text."""
    text = line.strip()
    if len(text) < 3 or not text.startswith("|") or not text.endswith("|"):
        return None
    return [cell.strip() for cell in text[1:-1].split("|")]


def quoted_spans(sentence: str) -> list[tuple[int, int]]:
    """Where the sentence quotes someone's words: between “ and ”, or a pair of straight
    double quotes; a quotation left open runs to the sentence's end."""
    spans, start = [], None
    for match in re.finditer(r'[“”"]', sentence):
        mark = match.group()
        if start is None and mark != "”":
            start = match.start()
        elif start is not None and mark != "“":
            spans.append((start, match.end()))
            start = None
    if start is not None:
        spans.append((start, len(sentence)))
    return spans


_QUESTION = re.compile(r"(?:Q|Question)\s*[:.]\s", re.IGNORECASE)


def is_question(line: str) -> bool:
    """Whether a line is an interviewer's question ("Q: How many drones ...?")."""
    return _QUESTION.match(line.strip()) is not None


def with_question(answer: Sentence, question: Sentence) -> Sentence:
    """An answer read after its question, as one sentence that quotes both; its own characters
    keep their lines."""
    joined = f"{question.text} {answer.text}"
    shift = len(question.text) + 1
    return Sentence(
        joined, answer.paragraph, answer.offset - shift, answer.line_starts, answer.line_numbers
    )


def is_list_item(line: str) -> bool:
    """Whether a line is an item of a list, a line of a tally or a row of a table."""
    text = line.strip()
    return bool(_LIST_ITEM.match(text) or tally_label(text) or table_cells(text))


def tally_label(line: str) -> str | None:
    """The label of a line of a tally, which names what its figure counts: "air defence
    systems" of "air defence systems — 1,196 (+1)"; None for any other text."""
    text = line.strip()
    if len(text) > _LONGEST_TALLY or not (match := _TALLY.match(text)):
        return None
    return re.split(r"\s*(?:[—–:]|\s-\s)", match.group(), maxsplit=1)[0].strip() or None


def _paragraphs(text: str, first_line: int) -> Iterator[tuple[list[str], int]]:
    """The text's paragraphs (blocks between blank lines) as their lines, each with the number
    of its first line. A byline, a timestamp line, an item of a list, a line of a tally ("tanks
    — 11,012 (+4)") and a row of a table ("| Tanks | 3,210 |") are paragraphs of their own, and
    so is a line without a stop right before one (a headline, a caption): a wrapped line of
    prose is not told from a headline otherwise, so no other line is taken apart."""
    line = first_line
    for block in re.split(r"\n[ \t]*\n", text):
        lines = block.split("\n")
        current: list[str] = []
        start = line
        for offset, text_line in enumerate(lines):
            stripped = text_line.strip()
            following = lines[offset + 1].strip() if offset + 1 < len(lines) else ""
            alone = bool(stripped) and (
                _STANDALONE.match(stripped) is not None
                or _LIST_ITEM.match(stripped) is not None
                or tally_label(stripped) is not None
                or table_cells(stripped) is not None
                or (
                    _STANDALONE.match(following) is not None
                    and not _ENDS_A_SENTENCE.search(stripped)
                )
            )
            if alone:
                if current:
                    yield current, start
                yield [text_line], line + offset
                current = []
                continue
            if not current:
                start = line + offset
            current.append(text_line)
        if current:
            yield current, start
        line += block.count("\n") + 2


def _joined_lines(lines: list[str], line: int) -> tuple[str, list[int], list[int]]:
    """A paragraph's lines joined by single spaces, and where each line starts in it, with
    its line number."""
    words: list[str] = []
    starts: list[int] = []
    numbers: list[int] = []
    length = 0
    for number, text in enumerate(lines, line):
        joined = " ".join(text.split())
        if not joined:
            continue
        if words:
            length += 1
        starts.append(length)
        numbers.append(number)
        words.append(joined)
        length += len(joined)
    return " ".join(words), starts or [0], numbers or [line]


def _pieces(paragraph: str, start: int, end: int) -> list[tuple[int, str]]:
    """The sentence paragraph[start:end], stripped, with where it starts; a run of text too
    long to be one sentence cut between words into pieces of at most MAX_SENTENCE characters."""
    pieces = []
    while True:
        while start < end and paragraph[start] == " ":
            start += 1
        text = paragraph[start:end].rstrip()
        if len(text) <= MAX_SENTENCE:
            return [*pieces, (start, text)] if text else pieces
        cut = text.rfind(" ", 0, MAX_SENTENCE + 1)
        cut = cut if cut > 0 else MAX_SENTENCE
        pieces.append((start, text[:cut].rstrip()))
        start += cut


def _ends_with_abbreviation(paragraph: str, end: int) -> bool:
    """Whether the full stop before `end` follows an abbreviation or an initial."""
    if paragraph[end - 1] != ".":
        return False
    start = max(paragraph.rfind(" ", max(end - 13, 0), end - 1) + 1, end - 12)
    word = paragraph[start : end - 1].lower().strip("(\"“'")
    return word in ABBREVIATIONS or bool(re.fullmatch(r"[a-z]", word))
