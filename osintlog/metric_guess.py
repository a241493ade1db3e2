"""What a figure found in a report's sentence counts: the noun after it (or before it, or a
tally line's label) is its unit, and its metric is guessed from that noun and the nearest telling
verb in its own clause ("troops.killed", "drones.downed"). A guess for the analyst to check."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from osintlog.figures import Figure
from osintlog.sentences import tally_label
from osintlog.units import same_metric_unit

TIME_NOUNS = frozenset(
    "second seconds minute minutes hour hours day days week weeks month months year years "
    "decade decades century centuries time times".split()
)
UNIT_NOUNS = {
    "troops": "soldiers troops fighters servicemen personnel men people military infantry "
    "conscripts mercenaries workers soldier",
    "shells": "shells rounds munitions ammunition shell",
    "missiles": "missiles missile rockets",
    "drones": "drones drone uavs",
    "bombs": "bombs bomb",
    "vehicles": "tanks vehicles apcs ifvs trucks",
    "artillery": "guns howitzers launchers artillery systems",
    "aircraft": "aircraft jets planes helicopters",
}
NOUN_CLASS = {word: key for key, words in UNIT_NOUNS.items() for word in words.split()}
# On a tie (two words as near), the first: "killed or wounded" is casualties, "lost to electronic
# warfare" is jammed, not lost.
ACTIONS = [
    ("casualties", r"\b(?:killed|dead)\s+(?:or|and)\s+(?:wounded|injured)\b"),
    # what air defences neutralised, by either means: "shot down or jammed", "shot down/suppressed"
    ("downed", r"\bshot down\s*(?:or|and|/)\s*(?:jammed|suppressed)\b"),
    (
        "jammed",
        r"\bjammed\b|\bsuppressed\b|\blost to electronic warfare\b|\blocation(?:ally)? lost\b",
    ),
    ("killed", r"\bkill(?:ed|ing)\b|\bdead\b|\bdied\b|\bdeaths?\b|\bfallen\b"),
    ("wounded", r"\bwound(?:ed|ing)\b|\binjur(?:ed|ing)\b|\bhurt\b"),
    ("casualties", r"\blost\b|\blosses\b|\bcasualties\b"),
    ("captured", r"\bcaptur(?:ed|ing)\b|\bprisoners?\b"),
    (
        "planned",
        r"\bplans?\b|\bplanned\b|\bintends?\b|\bwill\b|\bto send\b|\bpledged\b|\bpromised\b",
    ),
    ("spent", r"\bspent\b|\bspending\b"),
    # what is asked for: not what came ("need $45 million, but have received a third")
    ("needed", r"\bneed(?:s|ed)?\b|\bappeal(?:s|ed)? for\b|\brequires?\b|\brequired\b"),
    (
        "delivered",
        r"\bdelivered\b|\bhanded over\b|\bsupplied\b|\breceived\b|\bprovided\b|\bshipped\b",
    ),
    ("sent", r"\bsent\b|\bdispatched\b|\btransferred\b"),
    ("fired", r"\bfir(?:ed|ing)\b|\blaunch(?:ed|ing|es)?\b|\battack(?:ed|s)?\b|\bstruck\b"),
    # what air defences did: not what was launched (one metric would mix the two)
    (
        "downed",
        r"\bshot down\b|\bshooting down\b|\bdown(?:ed|ing)\b|\bintercept(?:ed|ing)\b"
        r"|\bneutrali[sz](?:ed|ing)\b",
    ),
    # what got through to its target: not what was launched, nor what was shot down
    ("hit", r"\bhits?\s+by\b|\b(?:were|was|have|has|had)\s+hit\b|\bhit\s+(?:the|their|its)\b"),
    ("destroyed", r"\bdestroy(?:ed|ing)\b"),
    ("damaged", r"\bdamag(?:ed|ing)\b"),
    ("deployed", r"\bdeployed\b|\bstationed\b|\bout of\b|\barrived\b"),
    ("displaced", r"\bfled\b|\bdisplaced\b|\bforced from\b|\buprooted\b|\bevacuated\b"),
    ("deserted", r"\bdeserted\b|\bdefected\b|\bsurrendered\b"),
    # what left the front: not the count that is there (one metric would mix the two)
    ("withdrawn", r"\bwithdr(?:awn|ew|awing)\b|\bpulled (?:out|back)\b|\bretreated\b"),
]
# Words between a figure and its noun that are no part of the unit.
QUALIFIERS = frozenset("other more additional further new separate different fresh extra".split())
FUNCTION_WORDS = frozenset("and or to for from the of in on at by with than".split())
STOP_WORDS = frozenset(
    "is was were are has have had this its his hers theirs us as was his plus less".split()
)


@dataclass
class Found:
    """A figure found in a sentence: where it starts and ends, and its currency."""

    start: int
    end: int
    figure: Figure
    currency: str | None = None


def next_word(sentence: str, end: int) -> str:
    match = _NEXT_WORD.match(sentence, end)  # from `end`: no copy of the rest of a long text
    return match.group(1).lower() if match else ""


_NEXT_WORD = re.compile(r"\s+(?:of\s+)?([A-Za-z]+)")


def is_plural(word: str) -> bool:
    return (word.endswith("s") and len(word) > 3 and word not in STOP_WORDS) or word in _IRREGULAR


# Plurals without an s that reports count: "669 children".
_IRREGULAR = frozenset("children women men people police staff crew".split())


def unit_after(sentence: str, end: int) -> str | None:
    """The noun the figure counts: "150 ballistic missiles" -> "ballistic missiles"."""
    phrase = re.split(r"[,;:()!?\"“”]|\.(?!\d)", sentence[end : end + 60])[0]
    words = []
    for word in re.findall(r"[A-Za-z0-9][\w-]*", phrase):
        if not re.search(r"[A-Za-z]", word):
            break  # a number ends the noun; a model's holds one ("Leopard 2A4 tanks")
        words.append(word)
    if words[:1] == ["of"]:  # "382 of the drones": the drones
        words = words[2:] if words[1:2] == ["the"] else words[1:]
    if words[:1] and words[0].lower() in QUALIFIERS:  # "10 other regions": the regions
        words = words[1:]
    if words[:1] and words[0].lower() in ("are", "were"):  # "of whom 6,000 are engineers"
        words = words[1:]
    for count, word in enumerate(words[:3]):
        if word.lower() in FUNCTION_WORDS:
            break
        if word.lower() in NOUN_CLASS:
            # "artillery shells", "drone missiles": the noun is the last of such words
            while count + 1 < len(words) and words[count + 1].lower() in NOUN_CLASS:
                count += 1
            return " ".join(words[: count + 1])
    if words and _MODELS.fullmatch(words[0]):  # "18 F-16s", "40 Su-34s"
        return words[0]
    named = 0  # "12 Patriot batteries", "40 Ukrainian officials": a name before the noun
    while named < min(2, len(words)) and words[named][:1].isupper():
        named += 1
    # "14 buildings", "14 residential buildings"
    for count, word in enumerate(words[named : named + 2], named):
        if not word.islower() or word in FUNCTION_WORDS or word in TIME_NOUNS:
            break
        if is_plural(word):
            return " ".join(words[: count + 1])
    return None


# A model's designation in the plural: F-16s, Su-34s, T-72s.
_MODELS = re.compile(r"[A-Z][A-Za-z]{0,3}-?\d+[A-Za-z]*s")


def tally_unit(line: str) -> str | None:
    """The label of a line of a tally where it names what is counted ("tanks — 11,012", "MLRS —
    1,453"), not where ("Kharkiv region: 31 killed")."""
    return label_unit(tally_label(line))


def label_unit(label: str | None) -> str | None:
    """A label (of a tally's line, a table's row) as the unit of its figures, where it names what
    is counted: a plural or a countable noun ("Tanks", "air defence systems"), an acronym
    ("MLRS"); not a place ("Kharkiv region"). A bracketed note after it is no part of it:
    "Personnel (thousands)" counts personnel."""
    label = re.sub(r"\s*\([^()]*\)\s*$", "", label) if label else label
    last = label.split()[-1] if label else ""
    if last.lower() in NOUN_CLASS or is_plural(last.lower()) or (len(last) > 1 and last.isupper()):
        return label
    return None


def unit_before(sentence: str, start: int) -> str | None:
    """The nearest countable noun before the figure: "missiles from the DPRK (several dozen)"."""
    for word in reversed(re.findall(r"[A-Za-z]+", sentence[:start])):
        if word.lower() in NOUN_CLASS:
            return word.lower()
    return None


def guess_metric(
    unit: str | None, sentence: str, found: Found, others: Sequence[Found] = ()
) -> str:
    """What the figure measures, guessed from its unit and the nearest telling word that is
    not another figure's (`others`: the figures either side of it)."""
    noun = "figure"
    if found.figure.unit == "%":  # "40% of the shells": a share of shells, not of anything
        of = _SHARE_OF.match(sentence, found.end)
        noun = f"{of.group(1).lower()}_share" if of else "share"
    elif unit:
        last = unit.split()[-1].lower()
        named = next((key for phrase, key in _UNIT_PHRASES if phrase in unit.lower()), None)
        noun = named or NOUN_CLASS.get(last, re.sub(r"[^a-z0-9]+", "_", last).strip("_"))
        if last in _ANYONE and not _MILITARY.search(sentence):
            noun = last  # "1.1 million people had fled": civilians are not troops
    action = _nearest_action(sentence, found, others)
    increment = re.match(
        r"(?i)(another|a further|an additional|additional)\b", found_text(sentence, found)
    )
    if action == "deployed" and increment:
        action = "sent"
    return f"{noun}.{action or 'count'}"


# Nouns that count troops only where the sentence is about them: "about 12,000 people" of the
# North Korean soldiers sent, not "1.1 million people" who fled.
_ANYONE = frozenset({"people", "men", "workers"})
_MILITARY = re.compile(
    r"\b(?:soldiers?|troops?|fighters?|servicem[ae]n|military|army|armed forces|infantry"
    r"|conscripts?|mercenaries|personnel|units?|brigades?|battalions?)\b",
    re.IGNORECASE,
)
# What a percentage is a share of: "40% of the shells", "19 percent of Ukraine's territory".
_SHARE_OF = re.compile(r"\s+of\s+(?:the\s+|its\s+|their\s+|[A-Z][\w-]*['’]s\s+)?([A-Za-z]{3,})\b")
# Units whose last word would class them wrongly: a UAV is no land vehicle, an air defence
# system no artillery.
_UNIT_PHRASES = (
    ("unmanned", "drones"),
    ("aerial vehicle", "drones"),
    ("air defence", "air_defence"),
    ("air defense", "air_defence"),
)


def found_text(sentence: str, found: Found) -> str:
    return sentence[found.start : found.end]


def _nearest_action(sentence: str, found: Found, others: Sequence[Found]) -> str | None:
    """The action nearest the figure, one in its own clause first: in "249 drones were shot
    down and 226 were lost to electronic warfare", the 226 were jammed."""
    best: tuple[tuple[bool, int], str] | None = None
    for start, end, action in _actions(sentence):
        if any(_others_word(sentence, other, found, start, end) for other in others):
            continue
        gap = (found.end, start) if start >= found.end else (end, found.start)
        rank = (bool(_CLAUSE_BREAK.search(sentence, *gap)), gap[1] - gap[0])
        if best is None or rank < best[0]:
            best = (rank, action)
    return best[1] if best else None


def _belongs_to(sentence: str, other: Found, found: Found, start: int, end: int) -> bool:
    """Whether the word at start:end, lying between another figure of another thing and this
    one, is in the other's clause, not this one's: "3,700 civilians had been killed, and 1.1
    million people had fled" — the people were not killed. Of the same thing, or of a part
    ("including 669 children"), the word is both figures' ("1,488 killed, above the 2025 total
    of 1,350")."""
    if not _of_other_things(sentence, other, found):
        return False
    if other.end <= start and end <= found.start:
        return not _CLAUSE_BREAK.search(sentence, other.end, start) and bool(
            _CLAUSE_BREAK.search(sentence, end, found.start)
        )
    if found.end <= start and end <= other.start:
        return not _CLAUSE_BREAK.search(sentence, end, other.start) and bool(
            _CLAUSE_BREAK.search(sentence, found.end, start)
        )
    return False


def _others_word(sentence: str, other: Found, found: Found, start: int, end: int) -> bool:
    return _belongs_to(sentence, other, found, start, end) or _beyond(sentence, other, found, start)


def _beyond(sentence: str, other: Found, found: Found, start: int) -> bool:
    """Whether the word at `start` lies past another figure, in its clause, across a strong
    break from this one: in "5,800 soldiers, the ministry said; 1,700 of them deserted", the
    5,800 did not desert."""
    if found.end <= other.start and other.end <= start:  # this figure, the other, the word
        near, far = (other.end, start), (found.end, other.start)
    elif start < other.start and other.end <= found.start:  # the word, the other, this figure
        near, far = (start, other.start), (other.end, found.start)
    else:
        return False
    return bool(_STRONG_BREAK.search(sentence, *far)) and not _STRONG_BREAK.search(sentence, *near)


_STRONG_BREAK = re.compile(r"[;:]|\s[–—]\s")


def _of_other_things(sentence: str, first: Found, second: Found) -> bool:
    """Whether two figures each name what they count, and count different things, neither a
    part of the other."""
    first, second = sorted((first, second), key=lambda found: found.start)
    units = unit_after(sentence, first.end), unit_after(sentence, second.end)
    if not (units[0] and units[1]) or same_metric_unit(units[0], units[1]):
        return False
    return not PART_OF.search(sentence, max(0, second.start - 12), second.start)


# A part of the figure before it: "including 669 children", "of whom 600 were killed".
PART_OF = re.compile(r"\b(?:including|of which|of whom|among them)\s+$", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r"[,;:]|\s(?:and|but|while|whereas)\s")


@functools.lru_cache(maxsize=4)
def _actions(sentence: str) -> list[tuple[int, int, str]]:
    """Where the sentence names each action, found once for all its figures."""
    return [
        (match.start(), match.end(), action)
        for action, pattern in ACTIONS
        for match in re.finditer(pattern, sentence, re.IGNORECASE)
    ]
