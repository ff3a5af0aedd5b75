"""Hypothesis strategies for months a person might type: any storable text and number."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from jianwang_desktop.core.formdef import FormDefinition
from jianwang_desktop.core.money import MAX_AMOUNT, MAX_COUNT
from jianwang_desktop.core.records import CaseRecord, MonthData

# Printable text of any script (no control characters but tab), as storable_problems allows.
line_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t"), max_size=40)
multiline_text = st.lists(line_text, min_size=1, max_size=3).map("\n".join) | st.sampled_from(
    ["=1+1", "+86 28", "-5", "@SUM(A1)", "#N/A", "_x0041_ 原样", "a\r\nb", "  前后空格  "])
counts = st.integers(min_value=0, max_value=MAX_COUNT)
amounts = st.decimals(min_value=0, max_value=MAX_AMOUNT - Decimal("0.0001"), places=4,
                      allow_nan=False, allow_infinity=False)


def months(form: FormDefinition, period: str = "2015-08", max_cases: int = 4):
    def measure(key):
        return amounts if form.measure(key).is_amount else counts

    def cell(key):
        return st.none() | measure(key)

    grid = st.fixed_dictionaries({
        c: st.fixed_dictionaries({k: cell(k) for k in form.measure_keys})
        for c in form.categories
    })

    def text_for(column):
        base = multiline_text if column.multiline else line_text
        return base.filter(lambda t: len(t) <= column.max_length)

    case = st.builds(
        lambda texts, category, values: CaseRecord(**texts, category=category, measures=values),
        st.fixed_dictionaries({c.key: text_for(c) for c in form.case_columns}),
        st.sampled_from(form.categories),
        st.fixed_dictionaries({k: measure(k) for k in form.measure_keys}),
    )
    # Case numbers are unique within a month (blank ones are numbered when stored).
    cases = st.lists(case, max_size=max_cases,
                     unique_by=lambda c: c.number.strip() or object())
    return st.builds(lambda g, cs: MonthData(period, g, cs), grid, cases)
