"""How well `extract` reads the scored test reports (tests/reports/scored/, each figure worked out
by hand in expected.json): recall and precision of the figures, and of the figures found, how
many have the right source and the right as-of. Run: python benchmarks/extract_score.py [-v]"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from osintlog.extract import extract

REPORTS = Path(__file__).resolve().parent.parent / "tests" / "reports" / "scored"
VIA = "Test Wire"


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    matched: int = 0
    right_source: int = 0
    right_as_of: int = 0
    misses: list[str] = field(default_factory=list)

    def ratio(self, part: int, whole: int) -> float:
        return part / whole if whole else 1.0

    @property
    def recall(self) -> float:
        return self.ratio(self.matched, self.expected)

    @property
    def precision(self) -> float:
        return self.ratio(self.matched, self.found)

    @property
    def sources(self) -> float:
        return self.ratio(self.right_source, self.matched)

    @property
    def as_of(self) -> float:
        return self.ratio(self.right_as_of, self.matched)


def score(reports: Path = REPORTS) -> Score:
    """Each report's candidates against its expected figures, matched by value in order."""
    expected_all = json.loads((reports / "expected.json").read_text(encoding="utf-8"))
    total = Score()
    for name, expected in expected_all.items():
        if name == "_":
            continue
        text = (reports / name).read_text(encoding="utf-8")
        found = extract(text, today=date(2025, 12, 1), via=VIA)
        total.expected += len(expected)
        total.found += len(found)
        unmatched = list(found)
        for value, source, as_of in expected:
            match = next((c for c in unmatched if c["value"] == value), None)
            if match is None:
                total.misses.append(f"{name}: missed {value}")
                continue
            unmatched.remove(match)
            total.matched += 1
            if match["source"] == source:
                total.right_source += 1
            else:
                total.misses.append(f"{name}: {value} source {match['source']!r}, not {source!r}")
            if match["as_of"] == as_of:
                total.right_as_of += 1
            else:
                total.misses.append(f"{name}: {value} as-of {match['as_of']!r}, not {as_of!r}")
        total.misses += [f"{name}: false figure {c['value']}" for c in unmatched]
    return total


def main() -> None:
    result = score()
    print(
        f"figures {result.expected}, found {result.found}: recall {result.recall:.0%}, "
        f"precision {result.precision:.0%}; sources right {result.sources:.0%}, "
        f"as-of right {result.as_of:.0%}"
    )
    if "-v" in sys.argv[1:]:
        print("\n".join(result.misses))


if __name__ == "__main__":
    main()
