"""extract scored on test reports of our own (tests/reports/scored/, every figure worked out by
hand): the scores may only rise. benchmarks/extract_score.py -v lists what is still wrong."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from extract_score import score

# The scores at the last commit that raised them: recall, precision, sources, as-of.
FLOORS = (1.0, 1.0, 1.0, 1.0)


def test_extract_finds_the_figures_and_who_said_them_at_least_as_well_as_before():
    result = score()
    scores = (result.recall, result.precision, result.sources, result.as_of)
    assert all(got >= floor for got, floor in zip(scores, FLOORS, strict=True)), result.misses
