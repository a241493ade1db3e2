"""The figure parser: DESIGN's table row by row, the refusals, and a property over any text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osintlog import figures
from osintlog.errors import BadFigure
from osintlog.figures import QUALIFIERS, Figure, display, parse_figure

M = 1_000_000

# (text, low, high, best, qualifier, unit): worked out from DESIGN's table by hand.
CASES = [
    ("12000", 12000, 12000, 12000, "exact", None),
    ("12,000", 12000, 12000, 12000, "exact", None),
    ("12 000", 12000, 12000, 12000, "exact", None),
    ("12\u00a0000", 12000, 12000, 12000, "exact", None),
    ("12\u2009000", 12000, 12000, 12000, "exact", None),
    ("12\u202f000", 12000, 12000, 12000, "exact", None),
    ("another 3 000", 3000, 3000, 3000, "exact", None),
    ("a further 3,000", 3000, 3000, 3000, "exact", None),
    ("an additional 3,000", 3000, 3000, 3000, "exact", None),
    ("6 million", 6 * M, 6 * M, 6 * M, "exact", None),
    ("6m", 6 * M, 6 * M, 6 * M, "exact", None),
    ("6 mln", 6 * M, 6 * M, 6 * M, "exact", None),
    ("1.5k", 1500, 1500, 1500, "exact", None),
    ("2 bn", 2_000_000_000, 2_000_000_000, 2_000_000_000, "exact", None),
    ("4.8 million", 4_800_000, 4_800_000, 4_800_000, "exact", None),
    ("about 4,700", None, None, 4700, "approx", None),
    ("approximately 4 700", None, None, 4700, "approx", None),
    ("around 300", None, None, 300, "approx", None),
    ("roughly 300", None, None, 300, "approx", None),
    ("some 300", None, None, 300, "approx", None),
    ("an estimated 300", None, None, 300, "approx", None),
    ("~4700", None, None, 4700, "approx", None),
    ("nearly 300", None, None, 300, "approx", None),
    ("almost 300", None, None, 300, "approx", None),
    ("up to 6 million", None, 6 * M, None, "at-most", None),
    ("as many as 300", None, 300, None, "at-most", None),
    ("no more than 300", None, 300, None, "at-most", None),
    ("at most 300", None, 300, None, "at-most", None),
    ("fewer than 300", None, 300, None, "at-most", None),
    ("less than 300", None, 300, None, "at-most", None),
    ("under 300", None, 300, None, "at-most", None),
    ("at least 100", 100, None, None, "at-least", None),
    ("more than 100", 100, None, None, "at-least", None),
    ("over 100", 100, None, None, "at-least", None),
    ("in excess of 100", 100, None, None, "at-least", None),
    ("upwards of 100", 100, None, None, "at-least", None),
    ("100+", 100, None, None, "at-least", None),
    ("25 000 to 30 000", 25000, 30000, 27500, "range", None),
    ("25,000-30,000", 25000, 30000, 27500, "range", None),
    ("25–30 thousand", 25000, 30000, 27500, "range", None),
    ("between 10,000 and 12,000", 10000, 12000, 11000, "range", None),
    ("from 10,000 to 12,000", 10000, 12000, 11000, "range", None),
    ("an additional 25 000 to 30 000", 25000, 30000, 27500, "range", None),
    ("1.5 to 2 million", 1_500_000, 2 * M, 1_750_000, "range", None),
    ("dozens", 12, 100, None, "vague", None),
    ("several dozen", 12, 100, None, "vague", None),
    ("hundreds", 100, 1000, None, "vague", None),
    ("several hundred", 100, 1000, None, "vague", None),
    ("thousands", 1000, 10000, None, "vague", None),
    ("tens of thousands", 10000, 100000, None, "vague", None),
    ("hundreds of thousands", 100000, M, None, "vague", None),
    ("at least several hundred", 100, None, None, "at-least", None),
    ("40%", 40, 40, 40, "exact", "%"),
    ("about 40 percent", None, None, 40, "approx", "%"),
    ("40 pct", 40, 40, 40, "exact", "%"),  # the same unit as "40%", not a noun "pct"
    ("1.2 trillion", 1_200_000_000_000, 1_200_000_000_000, 1_200_000_000_000, "exact", None),
    ("$3tn", 3 * 10**12, 3 * 10**12, 3 * 10**12, "exact", "USD"),
    ("1-2 trillion", 10**12, 2 * 10**12, 1_500_000_000_000, "range", None),
    ("three thousand", 3000, 3000, 3000, "exact", None),
    ("twenty-five thousand", 25000, 25000, 25000, "exact", None),
    ("a dozen", 12, 12, 12, "exact", None),
    ("half a million", 500000, 500000, 500000, "exact", None),
    ("one hundred and fifty", 150, 150, 150, "exact", None),
    ("0", 0, 0, 0, "exact", None),
    ("2.5", 2.5, 2.5, 2.5, "exact", None),
]


# Figures as reports write them, with the noun they count (kept as the unit) and hedges after
# the number: (text, low, high, best, qualifier, unit), worked out by hand.
AS_WRITTEN = [
    ("at least 400 drones", 400, None, None, "at-least", "drones"),
    ("between 70 and 80 missiles", 70, 80, 75, "range", "missiles"),
    ("nearly 500 Shahed drones", None, None, 500, "approx", "Shahed drones"),
    ("about 4,700 North Korean soldiers", None, None, 4700, "approx", "North Korean soldiers"),
    ("12,000 troops", 12000, 12000, 12000, "exact", "troops"),
    ("12 000 troops", 12000, 12000, 12000, "exact", "troops"),
    ("5 million shells", 5 * M, 5 * M, 5 * M, "exact", "shells"),
    ("1.5k drones", 1500, 1500, 1500, "exact", "drones"),
    ("up to 6 million shells", None, 6 * M, None, "at-most", "shells"),
    ("as many as 300 missiles", None, 300, None, "at-most", "missiles"),
    ("fewer than 50 tanks", None, 50, None, "at-most", "tanks"),
    ("more than 5,000 soldiers", 5000, None, None, "at-least", "soldiers"),
    ("well over 1,000 casualties", 1000, None, None, "at-least", "casualties"),
    ("80 or more", 80, None, None, "at-least", None),
    ("80 or more drones", 80, None, None, "at-least", "drones"),
    ("100 plus", 100, None, None, "at-least", None),
    ("20 or fewer", None, 20, None, "at-most", None),
    ("200 or so", None, None, 200, "approx", None),
    ("some 40-odd tanks", None, None, 40, "approx", "tanks"),
    ("25,000-30,000 troops", 25000, 30000, 27500, "range", "troops"),
    ("25–30 thousand troops", 25000, 30000, 27500, "range", "troops"),
    ("from 10,000 to 12,000 workers", 10000, 12000, 11000, "range", "workers"),
    ("dozens of civilians", 12, 100, None, "vague", "civilians"),
    ("hundreds of drones", 100, 1000, None, "vague", "drones"),
    ("tens of thousands of troops", 10000, 100000, None, "vague", "troops"),
    ("several hundred soldiers", 100, 1000, None, "vague", "soldiers"),
    ("a further 3,000 troops", 3000, 3000, 3000, "exact", "troops"),
    ("another 150 ballistic missiles", 150, 150, 150, "exact", "ballistic missiles"),
    ("three soldiers", 3, 3, 3, "exact", "soldiers"),
    ("twenty-five thousand shells", 25000, 25000, 25000, "exact", "shells"),
    ("40% of drones", 40, 40, 40, "exact", "%"),
    ("477 drones and missiles", 477, 477, 477, "exact", "drones and missiles"),
    ("1,200 plus drones", 1200, None, None, "at-least", "drones"),
    ("1,200-plus", 1200, None, None, "at-least", None),
    ("nearly 60 per cent of drones", None, None, 60, "approx", "%"),
    ("between 500,000 and 600,000 soldiers", 500000, 600000, 550000, "range", "soldiers"),
    ("at least 12 killed", 12, None, None, "at-least", None),  # a state, not a unit
    ("15 dead", 15, 15, 15, "exact", None),
    ("$1.5 billion", 1_500_000_000, 1_500_000_000, 1_500_000_000, "exact", "USD"),
    ("about €2m", None, None, 2 * M, "approx", "EUR"),
]


@pytest.mark.parametrize(("text", "low", "high", "best", "qualifier", "unit"), CASES + AS_WRITTEN)
def test_figures_read_as_written(text, low, high, best, qualifier, unit):
    figure = parse_figure(text)
    assert (figure.low, figure.high, figure.best, figure.qualifier, figure.unit) == (
        low,
        high,
        best,
        qualifier,
        unit,
    )
    assert figure.value == text


def test_enough_figure_phrases():
    assert len(CASES) + len(AS_WRITTEN) >= 40


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("drones", "drone", True),
        ("Shahed drones", "drones", True),
        ("missiles", "Missile", True),
        ("casualties", "casualty", True),
        ("drones", "missiles", False),
        ("soldiers", "troops", False),
    ],
)
def test_same_unit(first, second, same):
    from osintlog.units import same_unit

    assert same_unit(first, second) is same


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ("drones", "Shahed drones", True),
        ("soldiers", "troops", True),  # people under arms: one metric's unit
        ("fighters", "personnel", True),
        ("soldiers", "%", False),
        ("tanks", "vehicles", False),
    ],
)
def test_same_metric_unit(first, second, same):
    from osintlog.units import same_metric_unit

    assert same_metric_unit(first, second) is same


@pytest.mark.parametrize("example", figures.EXAMPLES)
def test_every_listed_form_is_read(example):
    assert parse_figure(example).value == example


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12000", "12,000"),
        ("about 4,700", "≈4,700"),
        ("up to 6 million", "≤6,000,000"),
        ("at least 1 million", "≥1,000,000"),
        ("25,000-30,000", "25,000–30,000"),
        ("several dozen", "several dozen (≥12)"),
        ("40%", "40%"),
    ],
)
def test_display_keeps_the_hedge(text, expected):
    f = parse_figure(text)
    assert display(f.low, f.high, f.best, f.qualifier, f.unit, f.value) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("-5", "negative"),
        ("−5", "negative"),
        ("NaN", "not a figure"),
        ("inf", "not a figure"),
        ("1e309", "not a figure"),
        ("9" * 400, "more digits than any figure"),
        ("9" * 5000, "more digits than any figure"),
        ("", "empty"),
        ("   ", "empty"),
        ("lots", "not a figure"),
        ("30,000-25,000", "low end is above its high end"),
        ("12.000", "ambiguous"),
        ("3.5 mil", 'try "3.5 million"'),
        ("152mm", "not a figure"),
        ("70/80", "ambiguous: for a range write 70-80"),
        ("3.5 zillion", "not a figure"),
        ("2 mil soldiers", "not a figure"),
        ("over 400 in Kyiv", "not a figure"),
        ("500 per day", "not a figure"),
        ("400 thousands", 'try "400 thousand"'),
        ("12 the soldiers", "not a figure"),
        ("728 drones and 13 missiles", "not a figure"),
        ("up to 1,000 a day", "not a figure"),
    ],
)
def test_refusals_quote_the_text(text, says):
    with pytest.raises(BadFigure) as caught:
        parse_figure(text)
    assert says in str(caught.value)


def test_refusal_lists_accepted_forms():
    with pytest.raises(BadFigure) as caught:
        parse_figure("a lot")
    assert '"a lot" is not a figure' in str(caught.value)
    assert "about 4,700" in str(caught.value) and "25,000-30,000" in str(caught.value)


figure_like = st.one_of(
    st.text(),
    st.text(alphabet="0123456789 ,.-–+%~kmbn", max_size=20),
    st.builds(
        lambda hedge, n, tail: f"{hedge}{n}{tail}",
        st.sampled_from(["", "about ", "up to ", "at least ", "another ", "between ", "~"]),
        st.integers(min_value=0, max_value=10**20),
        st.sampled_from(["", "k", " million", "+", "%", " to 5", "-70,000", " and 9"]),
    ),
)


@given(figure_like)
def test_any_text_parses_consistently_or_is_refused(text):
    try:
        figure = parse_figure(text)
    except BadFigure:
        return
    assert figure.qualifier in QUALIFIERS
    present = [n for n in (figure.low, figure.best, figure.high) if n is not None]
    assert present, "a figure says something about the number"
    assert present == sorted(present)
    assert all(0 <= n <= 10**15 for n in present)


leading_words = sorted([*figures._HEDGE_KIND, *figures.INCREMENT_WORDS])
whole_like = st.builds(
    lambda n, grouping: f"{n:,}".replace(",", grouping),
    st.integers(min_value=0, max_value=10**17),
    st.sampled_from([",", " ", "", "\u00a0"]),
)
plain_like = st.builds(
    lambda word, space, low, prefix, separator, high: (
        f"{word}{space if word else ''}{prefix}{low}{separator}{high}".strip()
    ),
    st.sampled_from(["", *leading_words, "About", "upto"]),
    st.sampled_from([" ", "  ", "", "\u00a0"]),
    whole_like,
    st.sampled_from(["", "between ", "from ", "Between "]),
    st.sampled_from(["", "-", " - ", "to", " to ", " and ", "–", " TO "]),
    st.one_of(st.just(""), whole_like),
)


def _outcome(read, text):
    try:
        return read(text)
    except BadFigure as error:
        return str(error)


@given(st.one_of(plain_like, figure_like))
def test_the_quick_path_reads_plain_figures_as_the_full_path_does(text):
    text = text.strip()
    quick = _outcome(figures._plain_figure, text)
    if quick is not None:
        assert quick == _outcome(figures._any_figure, text)


PLAIN_FORMS = (
    "0",
    "4,700",
    "12 000",
    "12345678",
    "1,000,000,000,000,001",
    "25 000 to 30 000",
    "25,000-30,000",
    "between 10,000 and 12,000",
    "from 10 to 12",
    "30–25",
    "5 to 1,000,000,000,000,001",
)


@pytest.mark.parametrize("word", ["", *leading_words])
def test_the_quick_path_reads_every_leading_word_as_the_full_path_does(word):
    for figure in PLAIN_FORMS:
        text = f"{word} {figure}".strip()
        quick = _outcome(figures._plain_figure, text)
        assert quick is not None
        assert quick == _outcome(figures._any_figure, text)


def test_the_quick_path_takes_digits_after_one_word_only():
    assert figures._plain_figure("about 4,700") == ("about 4,700", None, None, 4700, "approx", None)
    assert figures._plain_figure("6 million") is None
    assert figures._plain_figure("between 10 to 12") is None
    assert figures._plain_figure("About 4,700") is None


@given(
    st.integers(0, 10**15),
    st.integers(0, 10**15),
    st.sampled_from(["", "about ", "up to ", "at least "]),
)
def test_figures_made_quickly_are_figures_with_the_middle_decimal_gives(low, high, hedge):
    low, high = sorted((low, high))
    ranged = figures._ranged(f"{low}-{high}", low, high, None)
    assert type(ranged) is Figure and ranged.qualifier == "range" and ranged.unit is None
    middle = (Decimal(low) + high) / 2  # the rule, worked out exactly
    assert ranged.best == middle and type(ranged.best) is (int if middle % 1 == 0 else float)
    text, n = f"{hedge}{low:,}", low
    hedged = figures.parse_figure(text)
    # The rule by name: a bare figure is exact, "about" gives the best guess alone, "up to"
    # the high end, "at least" the low end.
    expected = {
        "": Figure(text, low=n, high=n, best=n, qualifier="exact"),
        "about ": Figure(text, low=None, high=None, best=n, qualifier="approx"),
        "up to ": Figure(text, low=None, high=n, best=None, qualifier="at-most"),
        "at least ": Figure(text, low=n, high=None, best=None, qualifier="at-least"),
    }[hedge]
    assert type(hedged) is Figure and hedged == expected
