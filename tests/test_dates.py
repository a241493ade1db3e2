"""The date parser: dates as reports write them, read whole against the report's date, or
refused. Every expected value below was worked out by hand from a calendar."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osintlog.dates import (
    ACCEPTED_DATES,
    FORMS,
    OTHER_EXAMPLES,
    RELATIVE_EXAMPLES,
    after_report,
    is_partial_date,
    is_stored_date,
    parse_date,
    period_end,
    period_start,
    timeline_day,
)
from osintlog.errors import BadDate
from osintlog.periods import alike_before, counts_alike, is_plan, only_counts_to_a_date

TODAY = date(2026, 11, 27)
THU = "2025-07-10"  # a Thursday; the Sunday before it is 2025-07-06

# (text, the report's date, stored as)
PHRASES = [
    # ISO and written dates keep their precision
    ("2025", THU, "2025"),
    ("2025-04", THU, "2025-04"),
    ("2025-04-26", THU, "2025-04-26"),
    ("2025/04/26", THU, "2025-04-26"),
    ("April 2025", THU, "2025-04"),
    ("Apr 26, 2025", THU, "2025-04-26"),
    ("26 April 2025", THU, "2025-04-26"),
    ("26th of April, 2025", THU, "2025-04-26"),
    ("April 26th 2025", THU, "2025-04-26"),
    ("Sept. 5, 2024", THU, "2024-09-05"),
    ("as of 2025-04", THU, "2025-04"),
    ("in 2024", THU, "2024"),
    ("04/2025", THU, "2025-04"),
    ("26/04/2025", THU, "2025-04-26"),
    ("24.02.22", THU, "2022-02-24"),
    ("31/12/99", THU, "1999-12-31"),
    ("04/26/2025", THU, "2025-04-26"),
    # rough words keep the month or year they lie in
    ("early March 2025", THU, "2025-03"),
    ("mid-2022", THU, "2022"),
    ("late 2024", THU, "2024"),
    ("the end of March 2025", THU, "2025-03"),
    ("mid-June", THU, "2025-06"),
    ("late June 2025", THU, "2025-06"),
    ("end of last year", THU, "2024"),
    # quarters, halves, decades
    ("Q2 2025", THU, "2025-04/2025-06"),
    ("H1 2025", THU, "2025-01/2025-06"),
    ("second quarter of 2024", THU, "2024-04/2024-06"),
    ("in the first half of 2024", THU, "2024-01/2024-06"),
    ("2024 Q4", THU, "2024-10/2024-12"),
    ("Q2", THU, "2025-04/2025-06"),
    ("the 1990s", THU, "1990/1999"),
    ("early 2020s", THU, "2020/2029"),
    # ranges of days, months and years
    ("July 1-7", THU, "2025-07-01/2025-07-07"),
    ("1-7 July", THU, "2025-07-01/2025-07-07"),
    ("June 28-29", THU, "2025-06-28/2025-06-29"),
    ("28-29 June", THU, "2025-06-28/2025-06-29"),
    ("July 1–7, 2024", THU, "2024-07-01/2024-07-07"),
    ("1-7 July 2024", THU, "2024-07-01/2024-07-07"),
    ("between 1 and 7 July", THU, "2025-07-01/2025-07-07"),
    ("28 June - 2 July", THU, "2025-06-28/2025-07-02"),
    ("June 28 to July 2, 2024", THU, "2024-06-28/2024-07-02"),
    ("Jan 1 - Mar 31, 2025", THU, "2025-01-01/2025-03-31"),
    ("1 January to 31 March 2025", THU, "2025-01-01/2025-03-31"),
    ("December 28 - January 3", "2025-01-10", "2024-12-28/2025-01-03"),
    ("from March to September 2023", THU, "2023-03/2023-09"),
    ("March-September 2023", THU, "2023-03/2023-09"),
    ("between March and May 2024", THU, "2024-03/2024-05"),
    ("from March 2023 to February 2024", THU, "2023-03/2024-02"),
    ("2022-2024", THU, "2022/2024"),
    ("from 2022 to 2024", THU, "2022/2024"),
    ("2024-10 to 2025-07", THU, "2024-10/2025-07"),
    ("2025-07-01/2025-07-07", THU, "2025-07-01/2025-07-07"),
    ("2024-10/2025-07-10", THU, "2024-10/2025-07-10"),
    # nights
    ("night of June 28-29", THU, "2025-06-28/2025-06-29"),
    ("the night of 28 to 29 June", THU, "2025-06-28/2025-06-29"),
    ("June 28 and 29", THU, "2025-06-28/2025-06-29"),
    ("last night", THU, "2025-07-09/2025-07-10"),
    ("overnight", THU, "2025-07-09/2025-07-10"),
    ("Saturday night", THU, "2025-07-05/2025-07-06"),
    ("overnight into Sunday", THU, "2025-07-05/2025-07-06"),
    # since: from then until the report
    ("since October", THU, "2024-10/2025-07-10"),
    ("since October 2023", THU, "2023-10/2025-07-10"),
    ("since 24 February 2022", THU, "2022-02-24/2025-07-10"),
    ("since the start of June", THU, "2025-06/2025-07-10"),
    ("since yesterday", THU, "2025-07-09/2025-07-10"),
    ("since October", "2025-10-15", "2025-10/2025-10-15"),
    # words relative to the report's day, never to the clock
    ("today", THU, "2025-07-10"),
    ("yesterday", THU, "2025-07-09"),
    ("yesterday", "2025-06-02", "2025-06-01"),
    ("the day before yesterday", THU, "2025-07-08"),
    ("on Sunday", THU, "2025-07-06"),
    ("Sunday", THU, "2025-07-06"),
    ("on Monday", THU, "2025-07-07"),
    ("Thursday", THU, "2025-07-10"),
    ("last Thursday", THU, "2025-07-03"),
    ("last week", THU, "2025-06-30/2025-07-06"),
    ("this week", THU, "2025-07-07/2025-07-10"),
    ("last month", THU, "2025-06"),
    ("last month", "2025-01-05", "2024-12"),
    ("this month", THU, "2025-07"),
    ("last year", THU, "2024"),
    ("this year", THU, "2025"),
    ("3 days ago", THU, "2025-07-07"),
    ("two days ago", THU, "2025-07-08"),
    ("a week ago", THU, "2025-07-03"),
    ("past 24 hours", THU, "2025-07-09/2025-07-10"),
    ("over the past week", THU, "2025-07-03/2025-07-10"),
    ("in the past 30 days", THU, "2025-06-10/2025-07-10"),
    ("last weekend", THU, "2025-07-05/2025-07-06"),
    ("over the weekend", "2025-07-07", "2025-07-05/2025-07-06"),
    ("over the weekend", "2025-07-06", "2025-07-05/2025-07-06"),
    ("earlier this month", THU, "2025-07"),
    ("2 months ago", THU, "2025-05"),
    ("a year ago", THU, "2024-07"),
    ("in the last 48 hours", THU, "2025-07-08/2025-07-10"),
    # parts of a day are the day; weeks of a month are their days
    ("the early hours of Sunday", THU, "2025-07-06"),
    ("late on Saturday", THU, "2025-07-05"),
    ("on Tuesday evening", THU, "2025-07-08"),
    ("first week of July", THU, "2025-07-01/2025-07-07"),
    ("the last week of June 2025", THU, "2025-06-24/2025-06-30"),
    ("end-June", THU, "2025-06"),
    ("at the end of April", THU, "2025-04"),
    ("since the start of the year", THU, "2025/2025-07-10"),
    # times of day name their day; weeks and months counted to a day
    ("as of 08:00 on July 10", THU, "2025-07-10"),
    ("as of 8:00 a.m. Kyiv time on July 10", THU, "2025-07-10"),
    ("from 18:00 on July 8 to 08:00 on July 9", THU, "2025-07-08/2025-07-09"),
    ("in the week to 6 July", THU, "2025-06-30/2025-07-06"),
    ("for the month of June", THU, "2025-06"),
    ("in the first six months of 2025", THU, "2025-01/2025-06"),
    ("during June and July", THU, "2025-06/2025-07"),
    ("so far this year", THU, "2025"),
    ("to date", THU, "2025-07-10"),
    ("the previous day", THU, "2025-07-09"),
    ("2025-06-30T08:00:00Z", THU, "2025-06-30"),
    ("2025-06-30 08:00", THU, "2025-06-30"),
    ("30.06.2025", THU, "2025-06-30"),  # 30 cannot be a month
    ("the week of June 23", THU, "2025-06-23/2025-06-29"),  # Monday to Sunday
    ("week beginning 30 June", THU, "2025-06-30/2025-07-06"),
    ("2022-02-24 to date", THU, "2022-02-24/2025-07-10"),
    ("from February 2022 until now", THU, "2022-02/2025-07-10"),
    ("last Friday night", THU, "2025-07-04/2025-07-05"),
    # no year: the latest such date on or before the report
    ("April", THU, "2025-04"),
    ("as of April", "2025-03-15", "2024-04"),
    ("October", "2025-01-15", "2024-10"),
    ("April 26", "2025-08-22", "2025-04-26"),
    ("in December", "2025-12-01", "2025-12"),
    ("on 9 July", THU, "2025-07-09"),
    ("on July 9", THU, "2025-07-09"),
    ("Feb 29", "2025-03-01", "2024-02-29"),
    # a weekday is checked against its date
    ("Sunday, June 29", THU, "2025-06-29"),
    ("Thursday, July 10, 2025", THU, "2025-07-10"),
    ("Mon 7 July 2025", THU, "2025-07-07"),
]


@pytest.mark.parametrize(("text", "reported", "expected"), PHRASES)
def test_dates_as_reports_write_them(text, reported, expected):
    assert parse_date(text, today=TODAY, reported=reported) == expected


def test_the_table_is_large_enough():
    assert len(PHRASES) >= 80


@pytest.mark.parametrize(
    ("text", "order", "expected"),
    [("04/05/2025", "dayfirst", "2025-05-04"), ("04/05/2025", "monthfirst", "2025-04-05")],
)
def test_an_all_numeric_date_in_the_order_given(text, order, expected):
    assert parse_date(text, today=TODAY, order=order) == expected


def test_relative_words_without_a_report_count_from_today():
    assert parse_date("yesterday", today=TODAY) == "2026-11-26"
    assert parse_date("last month", today=TODAY) == "2026-10"


@pytest.mark.parametrize(
    ("text", "reported", "says"),
    [
        ("June 2025-07", THU, "needs its month"),
        ("Monday, June 29", THU, "2025-06-29 was a Sunday, not a Monday"),
        ("Separately", THU, "not a date"),
        ("Decoy", THU, "not a date"),
        ("someday", THU, "not a date"),
        ("next week", THU, "not a date"),
        ("04/05/2025", THU, "ambiguous"),
        ("2025-02-30", THU, "no day 30"),
        ("June 30-31", THU, "no day 31"),
        ("29 February 2025", THU, "no day 29"),
        ("2025-13", THU, "no month 13"),
        ("2023/24", THU, "no month 24"),
        ("2022-24", THU, "no month 24"),
        ("July 7-1", THU, "ends before it starts"),
        ("0999", THU, "between the years"),
        ("yesterday", "2025-07", "dated only 2025-07"),
        ("by October", THU, "give the year"),
        ("until March", THU, "give the year"),
        ("early July 9", THU, "not a day"),
        ("Sunday, June", THU, "one day"),
        ("on the night of June 28", THU, "name both days of the night"),
        ("9.7.2025", THU, "ambiguous"),
        ("in recent days", THU, "not a date"),
        ("summer 2024", THU, "not a date"),
        ("first week of July 9", THU, "goes with a month"),
        ("26", THU, "not a date"),
        ("", THU, "empty"),
        ("   ", THU, "empty"),
    ],
)
def test_refusals(text, reported, says):
    with pytest.raises(BadDate) as caught:
        parse_date(text, today=TODAY, reported=reported)
    assert says in str(caught.value)


def test_a_date_without_a_year_needs_the_report():
    with pytest.raises(BadDate, match="has no year"):
        parse_date("April 26", today=TODAY)


def test_a_refusal_lists_the_forms_from_the_parsers_own_tables():
    with pytest.raises(BadDate) as caught:
        parse_date("the other day", today=TODAY)
    message = str(caught.value)
    for example in ("yesterday", "early March 2025", "mid-2022", "April", "July 1-7"):
        assert example in message
    for form in FORMS:
        for example in form.examples:
            assert example in ACCEPTED_DATES


@pytest.mark.parametrize(
    "example",
    [e for form in FORMS for e in form.examples] + list(OTHER_EXAMPLES) + list(RELATIVE_EXAMPLES),
)
def test_every_listed_form_is_read(example):
    assert is_stored_date(parse_date(example, today=TODAY, reported=THU))


@pytest.mark.parametrize(
    ("stored", "start", "end"),
    [
        ("2025", "2025-01-01", "2025-12-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2025-04-26", "2025-04-26", "2025-04-26"),
        ("2024-10/2025-07-10", "2024-10-01", "2025-07-10"),
        ("2025-04/2025-06", "2025-04-01", "2025-06-30"),
        ("1990/1999", "1990-01-01", "1999-12-31"),
    ],
)
def test_periods(stored, start, end):
    assert (period_start(stored), period_end(stored)) == (start, end)


@pytest.mark.parametrize(
    ("as_of", "reported", "sits_on"),
    [
        ("2025-04-26", "2025-08-22", "2025-04-26"),  # a day is itself
        ("2025-04", "2025-08-22", "2025-04-30"),  # a month, at its end
        ("2025", THU, THU),  # this year so far: as of the report
        ("2024-10/2025-07-10", THU, THU),  # since October: the report's July
        ("2025-07", THU, THU),
        ("2025-06-28/2025-06-29", THU, "2025-06-29"),
        ("2026", THU, "2026-12-31"),  # a plan logged with --future: its end
        ("2025-08-01", THU, "2025-08-01"),
    ],
)
def test_where_a_date_sits_in_a_timeline(as_of, reported, sits_on):
    assert timeline_day(as_of, reported) == sits_on


@pytest.mark.parametrize(
    ("as_of", "reported", "after"),
    [
        ("2025", THU, False),  # the year of the report
        ("2025-07", THU, False),
        ("2025-07-01/2025-07-07", "2025-07-05", True),  # names days after the report
        ("2025-07-11", THU, True),
        ("2025-07-10", THU, False),
        ("2025-08", "2025-07", True),
        ("2024-10/2025-07-10", THU, False),
    ],
)
def test_what_lies_after_the_report(as_of, reported, after):
    assert after_report(as_of, reported) is after


REPORTS = st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31)).map(str)
PHRASE_TEXTS = st.sampled_from([text for text, _, _ in PHRASES])


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="0123456789/-. aprilmayjunoctbersthqhfomwdykg,", max_size=30),
        PHRASE_TEXTS,
    ),
    st.one_of(st.none(), REPORTS, st.sampled_from(["2025", "2025-08"])),
)
def test_any_text_is_a_stored_date_or_refused(text, reported):
    try:
        result = parse_date(text, today=TODAY, reported=reported)
    except BadDate:
        return
    assert is_stored_date(result)


@settings(max_examples=300, deadline=None)
@given(PHRASE_TEXTS, REPORTS)
def test_a_stored_date_reads_back_as_itself(text, reported):
    try:
        stored = parse_date(text, today=TODAY, reported=reported)
    except BadDate:
        return
    assert parse_date(stored, today=TODAY) == stored
    assert parse_date(stored, today=TODAY, reported="1990-01-01") == stored


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)), st.integers(0, 2))
def test_any_iso_date_at_any_precision_is_read_as_itself(day, precision):
    text = day.isoformat()[: (10, 7, 4)[precision]]
    assert is_partial_date(text)
    assert parse_date(text, today=TODAY) == text


@settings(max_examples=300, deadline=None)
@given(st.one_of(PHRASE_TEXTS, st.text(max_size=20), REPORTS), REPORTS, st.booleans())
def test_a_claims_as_of_never_lies_after_its_report_unless_it_is_a_plan(text, reported, future):
    from osintlog.claims import Context, build_claim
    from osintlog.errors import OsintlogError

    context = Context(TODAY, "tester", "2026-11-27T00:00:00.000000Z", future=future)
    row = {"metric": "m.x", "value": "5", "source": "S", "as_of": text, "reported": reported}
    try:
        claim = build_claim(row, context)
    except OsintlogError:
        return
    assert claim.get("future", False) is after_report(claim["as_of"], claim["reported"])
    if not future:
        assert not after_report(claim["as_of"], claim["reported"])


_STORED = st.one_of(
    st.dates(date(1990, 1, 1), date(2040, 12, 31)).map(date.isoformat),
    st.dates(date(1990, 1, 1), date(2040, 12, 31)).map(lambda d: d.isoformat()[:7]),
    st.integers(1990, 2040).map(str),
)


@given(as_of=_STORED, reported=_STORED)
def test_timeline_order_takes_its_quick_path_only_where_it_gives_the_same(as_of, reported):
    """`claim_order` skips the general rule for two full days; it must order as the rule does."""
    from osintlog.periods import period_start
    from osintlog.query import claim_order

    claim = {"as_of": as_of, "reported": reported, "logged_at": "2025-01-01T00:00:00Z"}
    expected = (timeline_day(as_of, reported), period_start(reported))
    assert claim_order(claim) == expected


# As-ofs a series mixes: days, months, years, and spans between them (nights, weeks, months, a
# total "since" a day) over one year, so that lengths and starts meet often.
_DAYS = st.dates(date(2025, 1, 1), date(2025, 12, 31)).map(date.isoformat)
_ONE = st.one_of(_DAYS, _DAYS.map(lambda day: day[:7]), st.just("2025"))


@st.composite
def _as_of(draw: st.DrawFn) -> str:
    first, second = sorted([draw(_ONE), draw(_ONE)])
    return first if draw(st.booleans()) or first == second else f"{first}/{second}"


def _latest_alike(as_ofs: list[str]) -> list[int | None]:
    """The plain reading of `alike_before`: look back until an as-of counts alike."""
    found: list[int | None] = []
    for place, as_of in enumerate(as_ofs):
        before = [p for p in range(place) if counts_alike(as_ofs[p], as_of)]
        found.append(before[-1] if before else None)
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(_as_of().filter(is_stored_date), max_size=30))
def test_alike_before_is_the_latest_as_of_that_counts_alike(as_ofs):
    assert alike_before(as_ofs) == _latest_alike(as_ofs)


@pytest.mark.parametrize(
    ("first", "second", "alike"),
    [
        ("2025-06-10", "2025-06", True),  # dates at any precision
        ("2025-06-09/2025-06-10", "2025-06-10", True),  # a night and a day
        ("2025-06-02/2025-06-08", "2025-06-09/2025-06-10", False),  # a week and a night
        ("2025-06-02/2025-06-08", "2025-06-09/2025-06-15", True),  # two weeks
        ("2025-02-01/2025-02-28", "2025-03-01/2025-03-31", True),  # 28 and 31 days
        ("2024-10/2025-06-12", "2025-06-12", False),  # since October, and a date
        ("2024-10/2025-06-12", "2024-10/2025-07-20", True),  # since October, to two dates
        ("2024-10/2025-06-12", "2024-11/2025-06-12", False),  # since October, since November
    ],
)
def test_figures_count_alike(first, second, alike):
    assert counts_alike(first, second) is alike
    assert counts_alike(second, first) is alike


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_as_of().filter(is_stored_date), _ONE), max_size=8))
def test_the_quick_test_of_a_series_misses_no_span_and_no_plan(pairs):
    claims = [{"as_of": as_of, "reported": reported} for as_of, reported in pairs]
    if only_counts_to_a_date(claims):
        assert not any("/" in claim["as_of"] or is_plan(claim) for claim in claims)
