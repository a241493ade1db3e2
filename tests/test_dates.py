"""The date parser: precision kept, years taken from the report, ambiguity refused."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from osintlog.dates import is_partial_date, parse_date, period_end, period_start
from osintlog.errors import BadDate

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("2025", {}, "2025"),
        ("2025-04", {}, "2025-04"),
        ("2025-04-26", {}, "2025-04-26"),
        ("April 2025", {}, "2025-04"),
        ("Apr 26, 2025", {}, "2025-04-26"),
        ("26 April 2025", {}, "2025-04-26"),
        ("early March 2025", {}, "2025-03"),
        ("late 2024", {}, "2024"),
        ("mid-2022", {}, "2022"),
        ("January 4th, 2024", {}, "2024-01-04"),
        ("today", {}, "2026-11-27"),
        ("yesterday", {}, "2026-11-26"),
        ("April 26", {"reported": "2025-08-22"}, "2025-04-26"),
        ("as of April", {"reported": "2025-08-22"}, "2025-04"),
        # October, read in a report of January 2025, is the October before it.
        ("October", {"reported": "2025-01-15"}, "2024-10"),
        ("26/04/2025", {}, "2025-04-26"),
        ("04/26/2025", {}, "2025-04-26"),
        ("04/05/2025", {"order": "dayfirst"}, "2025-05-04"),
        ("04/05/2025", {"order": "monthfirst"}, "2025-04-05"),
    ],
)
def test_dates_keep_their_precision(text, options, expected):
    assert parse_date(text, today=TODAY, **options) == expected


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("April 26", "has no year"),
        ("04/05/2025", "ambiguous"),
        ("2025-02-30", "no day 30"),
        ("2025-13", "no month 13"),
        ("someday", "not a date"),
        ("", "empty"),
        ("26", "not a date osintlog can read"),
        ("0999", "between the years"),
    ],
)
def test_refusals(text, says):
    with pytest.raises(BadDate) as caught:
        parse_date(text, today=TODAY)
    assert says in str(caught.value)


@pytest.mark.parametrize(
    ("partial", "start", "end"),
    [
        ("2025", "2025-01-01", "2025-12-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2025-04-26", "2025-04-26", "2025-04-26"),
    ],
)
def test_periods(partial, start, end):
    assert (period_start(partial), period_end(partial)) == (start, end)


@given(
    st.one_of(
        st.text(),
        st.text(alphabet="0123456789/-. aprilmayjunoctbersth,", max_size=24),
    ),
    st.sampled_from([None, "2025-08-22", "2024"]),
)
def test_any_text_is_a_partial_date_or_refused(text, reported):
    try:
        result = parse_date(text, today=TODAY, reported=reported)
    except BadDate:
        return
    assert is_partial_date(result)
