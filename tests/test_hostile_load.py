"""Item 5 of issue 8, for `load`: generated hostile JSON is refused with a UserError and
leaves the database exactly as it was (every row, timestamps included).

Inputs: arbitrary bytes; arbitrary JSON; and a valid month file with one to three
mutations (a value of another type, a deleted or unknown field, control characters,
over-long text, deep nesting, a duplicated key, a number too long to convert). A mutated file may still be valid (a
changed remark is a legal month); then it must be stored exactly as read.
"""

from __future__ import annotations

import copy
import json
import unicodedata
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.interchange import MAX_JSON_BYTES, load_into_store, month_to_dict
from sample_data import sample_month

import dbcontent
from conftest import MIANYANG

TRIED: Counter = Counter()  # inputs tried and refused, by test, for docs/reliability.md
def runs(examples: int) -> settings:
    return settings(max_examples=examples, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])

json_scalars = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
                | st.text(max_size=30))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=5),
    max_leaves=20)
controls = st.sampled_from([chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"]
                           + ["\x7f", "\x85", "\u0080", "\x9f"])


@pytest.fixture
def loaded(store):
    """A store that already holds August, so that a wrong load has something to damage."""
    store.replace_month(sample_month(store.form))
    return store


def valid_document(store) -> dict:
    return month_to_dict(store.form, MIANYANG, sample_month(store.form, cases=3))


def attempt(store, raw: bytes, test: str) -> bool:
    """Load raw; True if it was stored. A refusal must be a UserError that changed nothing."""
    TRIED[test] += 1
    before = dbcontent.full_dump(store.path)
    try:
        month = load_into_store(store, raw, replace=True)
    except UserError as e:
        assert e.message.strip()
        shown = str(e)
        assert not any(unicodedata.category(ch) in ("Cc", "Cs") and ch != "\n" for ch in shown), \
            f"the message echoes control characters: {shown!r}"
        assert len(shown) < 10_000, "the message is too long to show"
        assert dbcontent.full_dump(store.path) == before
        TRIED[test + " refused"] += 1
        return False
    stored = store.load_month(month.period)
    assert stored.statistics == month.statistics and stored.cases == month.cases
    assert dbcontent.integrity(store.path) == ["ok"]
    return True


def _spots(node, parent=None, key=None):
    """Every (container, key) of a JSON document."""
    if parent is not None:
        yield parent, key
    if isinstance(node, dict):
        for k in list(node):
            yield from _spots(node[k], node, k)
    elif isinstance(node, list):
        for i in range(len(node)):
            yield from _spots(node[i], node, i)


FREE = ("retype", "delete", "unknown")  # may leave a valid month
HOSTILE = ("control", "long", "nest", "duplicate", "huge")  # never a valid month


@st.composite
def mutated_documents(draw, base: dict) -> tuple[bytes, bool]:
    """A month file with free mutations and maybe one hostile one (applied last, so that
    nothing deletes it); returns the bytes and whether they must be refused."""
    doc = copy.deepcopy(base)
    kinds = draw(st.lists(st.sampled_from(FREE), max_size=2))
    hostile = draw(st.none() | st.sampled_from(HOSTILE))
    if hostile is None and not kinds:
        kinds = [draw(st.sampled_from(FREE))]
    marks: dict[str, str] = {}
    for kind in kinds + ([hostile] if hostile else []):
        spots = list(_spots(doc))
        if kind == "duplicate":
            spots = [(p, k) for p, k in spots if isinstance(p, dict)]
        parent, key = draw(st.sampled_from(spots))
        if kind == "retype":
            parent[key] = draw(json_values)
        elif kind == "delete":
            del parent[key]
        elif kind == "unknown":
            target = parent if isinstance(parent, dict) else doc
            target[draw(st.text(min_size=1, max_size=12))] = draw(json_values)
        elif kind == "control":
            text = parent[key] if isinstance(parent[key], str) else ""
            at = draw(st.integers(0, len(text)))
            parent[key] = text[:at] + draw(controls) + text[at:]
        elif kind == "long":
            parent[key] = draw(st.sampled_from(["案", "a", "𠮷"])) * draw(
                st.sampled_from([5001, 20000]))
        elif kind == "nest":
            parent[key] = "@@nest@@"
            depth = draw(st.sampled_from([50, 900, 5000, 200000]))
            marks['"@@nest@@"'] = "[" * depth + "]" * depth
        elif kind == "huge":  # more digits than Python converts, or beyond any float
            parent[key] = "@@huge@@"
            marks['"@@huge@@"'] = draw(st.sampled_from(["9" * 5000, "-" + "1" * 4301, "1e999999",
                                                        "0." + "0" * 5000 + "1"]))
        else:  # duplicate: the key twice in its object
            parent[key] = "@@dup@@"
            name = json.dumps(key, ensure_ascii=False)
            values = [json.dumps(draw(json_values), ensure_ascii=False) for _ in range(2)]
            marks[f'{name}: "@@dup@@"'] = f"{name}: {values[0]}, {name}: {values[1]}"
    text = json.dumps(doc, ensure_ascii=False)
    for mark, replacement in marks.items():
        assert mark in text
        text = text.replace(mark, replacement)
    if draw(st.booleans()):
        text = json.dumps(json.loads(text), ensure_ascii=True, indent=2) if not marks else text
    return text.encode("utf-8"), hostile is not None


@runs(300)
@given(raw=st.binary(max_size=3000))
def test_arbitrary_bytes_are_refused(loaded, raw):
    assert not attempt(loaded, raw, "bytes")


@runs(300)
@given(value=json_values, framed=st.booleans())
def test_arbitrary_json_is_refused(loaded, value, framed):
    if framed:  # past the first checks, so that the schema has to do the refusing
        value = {"format": "jianwang-data/1", "campaign": "剑网2015",
                 **(value if isinstance(value, dict) else {"statistics": value})}
    assert not attempt(loaded, json.dumps(value).encode(), "json")


@runs(700)
@given(data=st.data())
def test_mutated_month_files_are_refused_or_stored_exactly(loaded, data):
    raw, must_refuse = data.draw(mutated_documents(valid_document(loaded)))
    stored = attempt(loaded, raw, "mutated")
    assert not (must_refuse and stored), "a hostile file was stored"


@runs(200)
@given(data=st.data(), control=controls)
def test_control_characters_in_case_text_are_refused(loaded, data, control):
    doc = valid_document(loaded)
    case = data.draw(st.sampled_from(doc["cases"]))
    field = data.draw(st.sampled_from(["number", "name", "handling_unit", "source", "summary",
                                       "result", "remarks"]))
    at = data.draw(st.integers(0, len(case[field])))
    case[field] = case[field][:at] + control + case[field][at:]
    assert not attempt(loaded, json.dumps(doc, ensure_ascii=False).encode(), "control")


@pytest.mark.parametrize("field", ["region", "department", "unit", "filler", "phone"])
def test_control_characters_in_the_header_are_refused(loaded, field):
    doc = valid_document(loaded)
    doc[field] = doc[field][:2] + "\x1b[2J" + doc[field][2:]
    assert not attempt(loaded, json.dumps(doc).encode(), "control")


@pytest.mark.parametrize("number", ["9" * 5000, "1" * 31, "1e999999", "-0.00001"])
def test_huge_or_odd_numbers_are_refused(loaded, number):
    text = json.dumps(valid_document(loaded), ensure_ascii=False)
    raw = text.replace('"filed": 2,', f'"filed": {number},', 1)
    assert raw != text
    assert not attempt(loaded, raw.encode(), "numbers")


@pytest.mark.parametrize("depth", [950, 990])
def test_a_value_nested_near_python_s_limit_is_refused(loaded, depth):
    """Read by json, but jsonschema's message quoting it would recurse too deep."""
    doc = valid_document(loaded)
    doc["cases"][0]["filed"] = "@@nest@@"
    raw = json.dumps(doc).replace('"@@nest@@"', "[" * depth + "]" * depth)
    assert not attempt(loaded, raw.encode(), "nested")


def test_oversized_file_is_refused_before_parsing(loaded):
    raw = b" " * (MAX_JSON_BYTES + 1)
    assert not attempt(loaded, raw, "oversized")


def test_duplicate_top_level_key_names_the_key(loaded):
    text = json.dumps(valid_document(loaded), ensure_ascii=False)
    raw = text.replace('"period": "2015-08"', '"period": "2015-08", "period": "2015-09"', 1)
    before = dbcontent.full_dump(loaded.path)
    with pytest.raises(UserError) as e:
        load_into_store(loaded, raw.encode(), replace=True)
    assert "period" in str(e.value) and "两次" in str(e.value)
    assert dbcontent.full_dump(loaded.path) == before


def test_report_inputs_tried(capsys):
    """Prints the figures quoted in docs/reliability.md (runs after the tests above)."""
    with capsys.disabled():
        total = sum(v for k, v in TRIED.items() if not k.endswith("refused"))
        refused = sum(v for k, v in TRIED.items() if k.endswith("refused"))
        print(f"\nhostile load: {total} inputs tried, {refused} refused with nothing changed, "
              f"{total - refused} valid and stored exactly; " + ", ".join(
                  f"{k}={v}" for k, v in sorted(TRIED.items())))
