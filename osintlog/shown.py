"""Text from outside — a report, a file, a teammate's ledger — as a terminal may show it: every
character that could move the cursor, retitle the window, rewrite the clipboard or reorder the
line (C0 and C1 controls, DEL, line and paragraph separators, bidi and zero-width formatting) is
written as its escape (`\\x1b`, `\\u202e`), as `ls -b` does. Everything else, spaces of every
width included, is shown as it is."""

from __future__ import annotations

import unicodedata


def printable(text: str) -> str:
    """The text with every character a terminal would act on written as its escape."""
    if text.isprintable():  # nearly every text: one quick scan
        return text
    return "".join(
        char if char.isprintable() or unicodedata.category(char) == "Zs" else _escape(char)
        for char in text
    )


def printable_lines(text: str) -> str:
    """A message of several lines: each line as `printable`, the line ends kept."""
    return "\n".join(printable(line) for line in text.split("\n"))


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
