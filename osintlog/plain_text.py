"""The one rule for the text osintlog takes in — from an option, an environment variable, an
import, a report or a teammate's ledger: text that every terminal shows as it is written.

Refused: control characters (C0, C1, DEL), line and paragraph separators, bidi controls
(U+202E and the rest), zero-width and other invisible formatting characters (U+200B, U+FEFF,
the soft hyphen), private-use and unassigned code points. A line break and a tab are allowed in
prose alone — a claim's quote and note — and so are the zero-width joiner and non-joiner, which
Persian, Indic scripts and emoji need to be written correctly. Spaces of every width are text.

Output escapes the same characters anyway (`shown.printable`), for ledgers written before.
"""

from __future__ import annotations

import re
import unicodedata

# The fields of several lines: a claim's quote and note (and a metric's note).
PROSE_FIELDS = frozenset({"quote", "note"})
_PROSE_ONLY = frozenset("\n\t\u200c\u200d")
_NAMED = {"\n": "a line break", "\r": "a carriage return", "\t": "a tab"}
_CATEGORIES = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
    "Cs": "a lone surrogate",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


def text_problem(text: str, prose: bool = False) -> str:
    """What in the text breaks the rule ("U+202E (RIGHT-TO-LEFT OVERRIDE) at character 3"),
    or "" when it keeps it. `prose` allows what a quote or a note may hold besides."""
    if text.isprintable():  # nearly every text: one quick scan
        return ""
    for position, char in enumerate(text, 1):
        if char.isprintable() or (prose and char in _PROSE_ONLY):
            continue
        category = unicodedata.category(char)
        if category == "Zs":
            continue
        what = _NAMED.get(char) or unicodedata.name(char, "") or _CATEGORIES[category]
        return f"U+{ord(char):04X} ({what}) at character {position}"
    return ""


def refusal(name: str, problem: str) -> str:
    """The message that refuses a field's text for `problem` (as `text_problem` gives it)."""
    hint = ""
    if name not in PROSE_FIELDS and any(f"({what})" in problem for what in _NAMED.values()):
        hint = "; line breaks and tabs belong in a quote or a note"
    return f"{name} holds {problem}, which a terminal would act on: osintlog refuses it{hint}"


# A terminal's escape sequences, whole: CSI (`ESC [` or C1 CSI ... final byte), OSC, DCS, APC,
# PM and SOS strings (up to BEL or ST), and the two-character escapes.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
)


def neutralised(text: str) -> str:
    """Report text made to keep the rule, its figures and sentences where they were: a
    terminal's escape sequence, parameters and all, and each other control character or
    separator become one space (so "\\x1b[52m" is no figure, and the words around it stay
    apart); an invisible formatting character is dropped. Line breaks and tabs stay, as the
    report's layout."""
    if text.isprintable():
        return text
    text = _ESCAPE_SEQUENCE.sub(" ", text.replace("\r\n", "\n"))
    return "".join(_neutral(char) for char in text)


def _neutral(char: str) -> str:
    if char.isprintable() or char in _PROSE_ONLY:
        return char
    category = unicodedata.category(char)
    if category == "Zs":
        return char
    return "" if category == "Cf" else " "
