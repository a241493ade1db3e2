"""Who a report's sentence says asserts its figures, by rules: "according to X", "X said" (any
of many verbs of saying, in any tense), "..., said X", "citing X", a headline's "– X" and
"..., X says", ", per X", and whose numbers they are ("figures released by X show", "X's count").
The first attribution in the sentence that names someone wins, but for a clause after a turn
("while", "but", ";") that names a speaker of its own (`clause_speakers`); a pronoun ("according
to him") is the last speaker the report named, and a short name ("the ministry") one the report
named in full before it (`Speakers`).

A speaker is a name ("South Korean lawmakers", "the U.S. Department of Defense", "the refugee
agency (UNHCR)", "the Health Ministry in Gaza") or a determiner and a noun ("an army statement",
"the official"), never a word that opens a sentence ("As reported", "An estimated")."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

_VERBS = (
    "said|says|say|stated|states|reported|reports|told|tells|noted|notes|wrote|writes|claimed|"
    "claims|estimated|estimates|announced|announces|added|adds|confirmed|confirms|believe|"
    "believes|assessed|assesses|warned|warns|anticipates|anticipated|clarified|clarifies|"
    "showed|shows|revealed|reveals|spoke|speaks|counted|counts|recorded|records|explained|"
    "explains|insisted|insists|acknowledged|acknowledges|admitted|admits|stressed|stresses|"
    "disputed|disputes|countered|counters|estimate|assess|confirm|warn|found|finds|"
    # "The ministry put the number of shells fired at 41,000": an estimate, by its subject
    r"puts?(?=\s[^,.;:]{1,80}?\sat\s+(?:about\s+|around\s+|some\s+|roughly\s+)?[\d~≈])"
)
# A verb of saying, after "has", "have" or "had" (and "been") where the sentence has them.
_SAYING = re.compile(rf"\b(?:(?:has|have|had)\s+(?:been\s+)?)?(?:{_VERBS})\b")
# Words that are also plural nouns: "estimates from three countries" says nothing.
_NOUN_LIKE = re.compile(
    r"(?:estimates|reports|claims|notes|states|shows|counts|records)\s+(?:from|of|for|by|in|on)\b"
)
_ACCORDING = re.compile(r"\baccording to ([^,.;:()]+)", re.IGNORECASE)
_CITING = re.compile(r"\bciting ([^,.;:()]+)", re.IGNORECASE)
# ", per British intelligence" (not "per day": a name, or "the" and a noun)
_PER = re.compile(r",\s+per\s+((?:the\s+[a-z]|[A-Z])[^,.;:()]*)")
# Whose the numbers are: "figures compiled by Oryx", "data from the UN mission show".
_DATA = r"(?:figures|data|numbers|statistics|estimates?|counts?|tall(?:y|ies))"
_DATA_BY = re.compile(
    rf"\b{_DATA}\s+(?:(?:compiled|released|published|issued|provided|gathered|collected|kept)"
    r"\s+by|from)\s+((?-i:the\s|[A-Z])[^,.;:()]*?)(?=\s+(?:on\s+\w+\s+)?(?:show|shows|showed|suggest|suggests"
    r"|indicate|indicates|put|puts)\b|\s*[,.;:]|$)",
    re.IGNORECASE,
)
_DATA_WORD = re.compile(_DATA, re.IGNORECASE)
# "Oryx's count stands at 4,100", "The army's latest estimate is 600,000".
_THEIRS = re.compile(
    r"((?:[A-Z][\w.&-]*\s+){0,4}[A-Z][\w.&-]*|\b[Tt]he\s+[a-z]+(?:\s+[a-z]+)?)['’]s\s+"
    r"(?:(?:latest|own|new|last|official|updated)\s+)?"
    r"(?:count|tally|estimate|estimates|figures|data|assessment)\b"
)
# What owns a count without saying it: "the war's count", "the year's figures".
_NO_SPEAKERS = frozenset(
    "war conflict year day week month night attack offensive invasion battle fighting region "
    "city country".split()
)
_ASIDES = re.compile(r",\s*(?:citing|according to|quoting)\s[^,]*,")
_VERB_SUBJECT = re.compile(rf",[\"”’']?\s+(?:{_VERBS})\s+((?:[A-Z][\w'’.-]*\s?)+)")
# A headline's source after a dash at its end: "Russia launches 40 drones – Ukraine's air force".
_HEADLINE_DASH = re.compile(r"\s[–—-]\s+([^–—.!?]{2,60})$")
# Where a speaker's phrase ends on its left: a clause boundary.
_BOUNDARY = re.compile(r"[,;:()\"“”]|\s[–—]\s")
_ABBREVIATION = re.compile(r"\([A-Z][A-Z0-9.&-]{1,9}\)")

# Characters left of a verb that may hold its speaker (six words and a determiner, and more).
_LONGEST_SPEAKER = 120
DETERMINERS = frozenset({"the", "a", "an"})
NAME_CONNECTORS = frozenset({"of", "the", "for", "and", "on", "in", "de"})
PRONOUNS = frozenset("he she they it we i you this that these those him her them us".split())
_SPEAKING_PRONOUNS = frozenset({"he", "she", "they", "it"})
# Words that open a sentence or a clause and are no speaker: "As reported", "An estimated".
OPENERS = frozenset(
    "as an a the and but while however meanwhile also in on at earlier later so yet then now "
    "still it this that there here which who what when if after before since during some many "
    "most all both each".split()
)
# Words no speaker's phrase holds: auxiliaries, and the like.
_NOT_IN_NAMES = frozenset(
    "is are was were be been being has have had will would could can may might must should "
    "that which who whom whose than then there not no".split()
)
# What a determiner may follow inside a name: "the head of the region", "a source with a view".
_INSIDE_NAMES = NAME_CONNECTORS | {"from", "by", "with", "at", "to", "for"}
# Words that are what was said, never who: "the figure was confirmed", "the toll".
_WHAT_WAS_SAID = frozenset("figure figures number numbers toll tally count total estimate".split())
_TRAILING = frozenset(
    "has have had been was were is are will would could also later earlier previously again "
    "first publicly today yesterday".split()
)
_LEAD_IN = re.compile(
    r"^(?:and|but|while|however|meanwhile|also|as early as|earlier|later)\s+", re.IGNORECASE
)


@dataclass
class Said:
    start: int
    speaker: str


# Where a sentence turns to another clause that may have a speaker of its own: "X puts it at
# 40,000, while Y counts 25,000", "X said 120, a claim Y disputed", "...; Y said 60".
_TURN = re.compile(r",\s+(?:while|whereas|but|and|a claim|a figure|a number)\s|;\s")


def clause_speakers(sentence: str, first: str | None) -> list[Said]:
    """The clauses after a turn ("while", "but", "a claim", ";") that name a speaker of their
    own, each with where it starts: their figures are that speaker's, not `first`, the one the
    sentence names first (or the report before it). A pronoun there ("while it said") is
    `first`."""
    found = []
    for turn in _TURN.finditer(sentence):
        clause = sentence[turn.start() + 1 : _next_turn(sentence, turn.end())]
        if (speaker := attribution(clause, first)) and speaker != first:
            found.append(Said(turn.start(), speaker))
    return found


class Speakers:
    """The speakers a report has named, the latest last, so that a short name is read as one
    named in full before: "the ministry" after "the defence ministry in Valoria", "the Western
    official" after "a senior Western official" — one source, not two. Only where one earlier
    name ends with it (or has it before "in", "of", "for"): after two ministries "the ministry"
    stays as it is, and "Kyiv" after "the mayor of Kyiv" is another speaker."""

    KEPT = 64  # a report names a dozen; a hostile text with thousands is not read in square time

    def __init__(self) -> None:
        self.names: dict[str, None] = {}

    def named(self, speaker: str) -> str:
        """The speaker by its full name where the report gave one before; remembered."""
        words = speaker.lower().split()
        fitting = {name for name in self.names if _ends_with(name.lower().split(), words)}
        full = fitting.pop() if len(fitting) == 1 else speaker
        self.names.pop(full, None)
        self.names[full] = None
        if len(self.names) > self.KEPT:
            del self.names[next(iter(self.names))]
        return full


def is_short_for(short: str, name: str) -> bool:
    """Whether `short` may be a short name for `name`: its head ("the ministry" of "the defence
    ministry in Valoria", "General Staff" of "Ukraine's General Staff"), or its abbreviation
    ("NIS" of "the National Intelligence Service (NIS)", or of its capitals' initials)."""
    if short.isupper() and 1 < len(short) <= 8 and short in abbreviations(name):
        return True
    return _ends_with(name.lower().split(), short.lower().split())


def abbreviations(name: str) -> set[str]:
    """What a name may be shortened to: its bracketed abbreviation, its capitals' initials."""
    bracketed = re.search(r"\(([A-Z][A-Z0-9.&-]{1,9})\)", name)
    initials = "".join(w[0] for w in name.split() if w[:1].isupper() and not w.endswith("'s"))
    return {initials, *([bracketed.group(1)] if bracketed else [])}


def _ends_with(name: list[str], words: list[str]) -> bool:
    """Whether `words` are the head of `name`: at its end, or before a connector, and not
    themselves after one."""
    size = len(words)
    for start in range(1, len(name) - size + 1):
        after = name[start + size] if start + size < len(name) else None
        if (
            name[start : start + size] == words
            and name[start - 1] not in NAME_CONNECTORS
            and (after is None or after in ("in", "of", "for"))
        ):
            return True
    return False


# A list item's source in brackets at its end, after its figure: "Tanks: 11,300 (General Staff)".
_BRACKETED = re.compile(r"\d[^()]*\(\s*((?:the\s+)?[A-Z][^()\d]{0,50}?)\s*\)\s*[.;]?\s*$")


def bracketed_source(item: str) -> str | None:
    """The source a list item names in brackets after its figure, or None ("(+4)" is none)."""
    match = _BRACKETED.search(item)
    return _name(match.group(1)) if match else None


def _next_turn(sentence: str, position: int) -> int:
    after = _TURN.search(sentence, position)
    return after.start() if after else len(sentence)


def attribution(sentence: str, last_speaker: str | None = None) -> str | None:
    """Who the sentence says asserts its figures, or None. `last_speaker` answers a pronoun."""
    found = [
        *_according(sentence, last_speaker),
        *_verbs(sentence, last_speaker),
        *_others(sentence),
    ]
    found.sort(key=lambda each: each.start)
    return found[0].speaker if found else None


def _according(sentence: str, last_speaker: str | None) -> list[Said]:
    found = []
    for pattern in (_ACCORDING, _CITING, _PER, _DATA_BY, _THEIRS):
        for match in pattern.finditer(sentence):
            named = match.group(1).strip()
            if by := _DATA_BY.search(named):  # "according to figures compiled by Oryx"
                named = by.group(1)
            named = _before_next_clause(named)
            if pattern is _THEIRS and named.split()[-1] in _NO_SPEAKERS:
                continue  # "the war's count": the war says nothing
            if named.lower() in PRONOUNS:
                speaker = _referent(sentence, match.start(), last_speaker)
            elif _POSSESSED.fullmatch(named):
                speaker = _referent(sentence, match.start(), named)
            else:
                speaker = _name(named, allow_lower=True)
            if speaker:
                found.append(Said(match.start(), speaker))
    return found


def _before_next_clause(named: str) -> str:
    """The name "according to" gives, without the clause run on after it with no comma:
    "according to local officials the number is 2,000" names local officials."""
    words = named.split()
    for place in range(1, len(words)):
        if words[place].lower() in DETERMINERS and words[place - 1].lower() not in _INSIDE_NAMES:
            return " ".join(words[:place])
    return named


def _verbs(sentence: str, last_speaker: str | None = None) -> list[Said]:
    """Each "SPEAKER said" (in any tense), the speaker taken from the clause before the verb
    ("South Korean lawmakers, citing intelligence, stated": the aside is passed over); "it
    said", "he added" name the last speaker, as a wire report's next paragraph does."""
    sentence = _ASIDES.sub(lambda aside: " " * len(aside.group()), sentence)
    boundaries = [m.end() for m in _BOUNDARY.finditer(sentence)]
    found = []
    for match in _SAYING.finditer(sentence):
        if _NOUN_LIKE.match(sentence, match.start()):
            continue
        boundary, end = _clause_before(sentence, boundaries, match.start())
        # A speaker is a few words: what lies further left of the verb is no part of it.
        chunk = _with_abbreviation(sentence, boundaries, boundary, end)[-_LONGEST_SPEAKER:]
        if "been" in match.group() or _PASSIVE.search(chunk):  # "strikes were reported (by X)"
            agent = _BY_AGENT.match(sentence, match.end())
            if agent and (speaker := _name(agent.group(1), allow_lower=True)):
                found.append(Said(match.start(), speaker))
            continue
        if chunk.strip().lower() in ("which", "who") and boundary:  # "the WHO, which counted"
            chunk = sentence[_clause_before(sentence, boundaries, boundary - 1)[0] : boundary - 1]
        if _is_pronoun(chunk):
            speaker = _referent(sentence, boundary, last_speaker)
        elif _POSSESSED.fullmatch(chunk.strip()):  # else "his office", as written
            speaker = _referent(sentence, boundary, speaker_of(chunk))
        else:
            speaker = speaker_of(chunk)
        if speaker:
            found.append(Said(boundary, speaker))
    for match in _VERB_SUBJECT.finditer(sentence):
        if speaker := _name(match.group(1)):
            found.append(Said(match.start(), speaker))
    return found


# A verb of saying after a form of "be" is passive: what was said, not who said it.
_PASSIVE = re.compile(
    r"\b(?:is|are|was|were|be|being)(?:\s+(?:\w+ly|later|also|since|not|already|first))*\s*$",
    re.IGNORECASE,
)
_BY_AGENT = re.compile(r"\s+by\s+([^,.;:()]+)")


def _is_pronoun(chunk: str) -> bool:
    """Whether a clause before a verb of saying is only a pronoun: "he", "it", "they"."""
    return chunk.strip().lower() in _SPEAKING_PRONOUNS


# "its report", "their spokesman": a pointer to a speaker the sentence may name as an agent.
_POSSESSED = re.compile(r"(?:its|their|his|her)\s+[\w-]+(?:\s+[\w-]+)?", re.IGNORECASE)
# The agent of a passive verb: "were recorded by the monitoring mission, its report said".
_AGENT = re.compile(
    r"\b(?:recorded|reported|documented|counted|registered|verified|confirmed|tallied|compiled"
    r"|logged|tracked|estimated|published|released)\s+by\s+(the\s+[^,;:]{2,60}?)\s*,",
    re.IGNORECASE,
)


def _referent(sentence: str, before: int, otherwise: str | None) -> str | None:
    """Whom a pronoun at `before` points at: the agent of a verb of recording before it in the
    sentence ("were recorded by the monitoring mission, its report said"), else `otherwise`
    (the last speaker named, for "it said")."""
    agents = [speaker_of(match.group(1)) for match in _AGENT.finditer(sentence, 0, before)]
    return next((agent for agent in reversed(agents) if agent), otherwise)


def _boundary_before(boundaries: list[int], position: int) -> int:
    """The end of the last clause boundary at or before `position` (0: the sentence's start)."""
    index = bisect.bisect_right(boundaries, position) - 1
    return boundaries[index] if index >= 0 else 0


_DESCRIPTION = re.compile(r"\s*an?\s+\w")


def _clause_before(sentence: str, boundaries: list[int], position: int) -> tuple[int, int]:
    """Where the clause before `position` starts and ends; right after a comma, or after an aside
    between commas, the clause before it: "The governor of the region, Oleh Synehubov, reported"
    names Oleh Synehubov, "The army, however, said" the army; "DeepState, a monitoring project,
    counted" DeepState."""
    start, end = _boundary_before(boundaries, position), position
    if start and not sentence[start:end].strip() and sentence[start - 1] == ",":
        start, end = _boundary_before(boundaries, start - 1), start - 1
        # "DeepState, a Ukrainian monitoring project, counted": the name is before what it is
        if start and sentence[start - 1] == "," and _DESCRIPTION.match(sentence, start):
            start, end = _boundary_before(boundaries, start - 1), start - 1
            return start, end
    if start and sentence[start - 1] == "," and _ASIDE.match(sentence[start:end].strip()):
        start, end = _boundary_before(boundaries, start - 1), start - 1
    return start, end


# A clause between commas that tells how or when, not who: "The government, for its part, put",
# "The ministry, in a statement on Friday, said", "The mayor, speaking on television, said".
_ASIDE = re.compile(
    r"(?:for|in|on|at|by|with|from|after|before|during|under|however|meanwhile|too|though|also"
    r"|separately|again|instead|likewise|moreover|meantime|later|earlier|once|[a-z]+ing)\b"
)


def _with_abbreviation(sentence: str, boundaries: list[int], boundary: int, end: int) -> str:
    """The clause before a verb, with a bracketed abbreviation the boundary cut off put back:
    "the refugee agency (UNHCR) said" is one speaker."""
    if boundary and sentence[boundary - 1] == ")":
        opening = sentence.rfind("(", max(0, boundary - 12), boundary)
        if opening >= 0 and _ABBREVIATION.fullmatch(sentence, opening, boundary):
            return sentence[_boundary_before(boundaries, opening) : end]
    return sentence[boundary:end]


def _others(sentence: str) -> list[Said]:
    found = []
    match = _HEADLINE_DASH.search(sentence)
    if match and (speaker := _name(match.group(1), allow_lower=True)):
        found.append(Said(match.start(), speaker))
    return found


def speaker_of(chunk: str) -> str | None:
    """The speaker a clause ends with, before its verb of saying: a run of capitalised words
    (with "of", "the", "in" and a bracketed abbreviation inside), else a determiner and up to
    four words, else the clause itself when it is short and names no auxiliary."""
    words = chunk.strip(" \"'“”‘’").split()
    while words and words[-1].lower() in _TRAILING:
        words.pop()
    if not words:
        return None
    run = _capitalised_run(words)
    if len(run) >= 2 or (run and len(run) == len(words)):
        return _name(" ".join(run))
    last_determiner = max(
        (i for i, word in enumerate(words) if word.lower() in DETERMINERS), default=None
    )
    phrase = words[last_determiner + 1 :] if last_determiner is not None else words
    if last_determiner is None and len(phrase) > 4:
        return None
    return _name(" ".join(phrase), allow_lower=True)


_ORDINAL = re.compile(r"\d{1,3}(?:st|nd|rd|th)")


def _capitalised_run(words: list[str]) -> list[str]:
    run: list[str] = []
    for word in reversed(words):
        if (
            word[:1].isupper()
            or _ABBREVIATION.fullmatch(word)
            or (run and _ORDINAL.fullmatch(word))
        ):
            run.insert(0, word)  # "the 47th Brigade", "the 2nd Army Corps"
        elif run and word.lower() in NAME_CONNECTORS:
            run.insert(0, word)
        else:
            break
    while run and (run[0].lower() in NAME_CONNECTORS or run[0].lower() in DETERMINERS):
        run.pop(0)
    return run


def _name(text: str, allow_lower: bool = False) -> str | None:
    """A speaker's name, cleaned, or None when the words cannot be one."""
    name = text.strip(" \"'“”’‘")
    while (stripped := _LEAD_IN.sub("", name)) != name:
        name = stripped
    # "the mayor of Kyiv who ...": the relative clause is no part of the name; "in Gaza" is
    name = re.split(r"\s+(?:that|who|which|to)\s|\s+(?:on|in)\s+(?![A-Z])", name)[0]
    words = name.split()
    while words and words[0].lower() in DETERMINERS:
        words.pop(0)
    if len(words) > 1 and words[-2][:1].isupper() and _DATA_WORD.fullmatch(words[-1]):
        words.pop()  # "UN estimates", "Oryx data": the UN, Oryx
    # a capitalised name may be long: "the Institute for the Study of War (ISW)"
    if not words or len(words) > (6 if allow_lower else 8):
        return None
    if len(words) == 1 and words[0].islower() and words[0].endswith("ly"):
        return None  # "visually confirmed": an adverb, no speaker
    plain = [w.lower() for w in words if not (w.isupper() and len(w) > 1)]  # "WHO": a name
    if (plain[:1] == [words[0].lower()] and plain[0] in OPENERS) or _NOT_IN_NAMES & set(plain):
        return None
    if any(w[:1].isdigit() and not _ORDINAL.fullmatch(w) for w in words):
        return None
    if not allow_lower and not any(w[:1].isupper() for w in words):
        return None
    if len(words) == 1 and words[0].lower() in PRONOUNS | _WHAT_WAS_SAID:
        return None
    return " ".join(words).rstrip(".,")
