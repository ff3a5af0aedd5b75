"""Item 5 of issue 8, for the grid: pasting any text (any size, control characters) into
附件1 never crashes; what is refused changes nothing, what is taken is stored exactly.

The model is used without a view or window: `paste_text` is what Ctrl+V calls.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QUndoStack

from jianwang_desktop.core.money import NumberError
from jianwang_desktop.gui.statistics_model import StatisticsModel, parse_tsv
from sample_data import full_grid
from test_hostile_load import runs

import dbcontent

AUG = "2015-08"
TRIED: Counter = Counter()

cell_text = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["1", "0", "-1", "1.5", "0.00001", "1e5", "１２", "1,000", "9" * 40,
                     " 3 ", '"4"', "=1+1", "\x00", "5\x1b[2J", "\u202e7", "NaN", "inf"]),
    st.text(alphabet=st.characters(max_codepoint=0x9f), max_size=6),  # controls, C1 included
)
blocks = st.lists(st.lists(cell_text, min_size=1, max_size=9), min_size=1, max_size=9)
separators = st.sampled_from(["\r\n", "\n", "\r"])


@pytest.fixture
def model(qapp, store):
    store.set_cells(AUG, {(c, k): v for c, row in full_grid(store.form).items()
                          for k, v in row.items()})
    return StatisticsModel(store.form, store.load_grid(AUG), store=store, period=AUG,
                           undo_stack=QUndoStack())


def check_paste(model, text: str, top: int, left: int, test: str) -> list[str]:
    store = model.store
    before_dump = dbcontent.full_dump(store.path)
    before = store.load_grid(AUG)
    problems = model.paste_text(text, top, left)
    TRIED[test] += 1
    after = store.load_grid(AUG)
    assert model.grid() == after, "the grid on screen and the stored month differ"
    for message in problems:
        assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in message), message
        assert len(message) < 500, "a refusal message is too long to show"
    changed = {(c, k) for c in after for k in after[c] if after[c][k] != before[c][k]}
    block = parse_tsv(text)
    targets = {}
    for r, line in enumerate(block[max(0, -top):max(0, model.total_row - top)]):
        row = top + max(0, -top) + r
        for col, raw in enumerate(line[max(0, -left):max(0, model.columnCount() - left)]):
            key = model.key_at(model.index(row, left + max(0, -left) + col))
            assert key is not None
            targets[key] = raw
    for key in changed:  # only cells the paste aimed at, with exactly the parsed value
        assert key in targets and model.parse(*key, targets[key]) == after[key[0]][key[1]]
    accepted = set()
    for key, raw in targets.items():
        try:
            value = model.parse(*key, raw)
        except NumberError:
            assert key not in changed  # refused cells keep what they held
            continue
        accepted.add(key)
        assert after[key[0]][key[1]] == value  # every acceptable cell is taken
    if not accepted:  # the whole paste refused: not a byte of the database changed
        TRIED[test + " refused entirely"] += 1
        assert dbcontent.full_dump(store.path) == before_dump
    return problems


@runs(300)
@given(block=blocks, separator=separators, top=st.integers(-2, 8), left=st.integers(-2, 9),
       trailing=st.booleans())
def test_any_pasted_block_is_taken_or_refused_cell_by_cell(model, block, separator, top, left,
                                                           trailing):
    text = separator.join("\t".join(line) for line in block) + (separator if trailing else "")
    check_paste(model, text, top, left, "blocks")


@runs(200)
@given(text=st.text(max_size=400))
def test_any_text_at_all(model, text):
    check_paste(model, text, 0, 0, "text")


@pytest.mark.parametrize("unit, repeat", [
    ("9\t", 10_000), ("9\t", 5_000_000), ("垃圾\t", 1_000_000), ("\x00\x1b", 5_000_000),
    ("1.5\r\n", 2_000_000), ("x" * 1000 + "\n", 20_000), ("\t" * 1000 + "7\n", 5_000),
    ("x" * 20_000_000, 1),
], ids=["20KB", "10MB-one-line", "6MB-words", "10MB-controls", "12MB-lines", "20MB-wide-lines",
        "5MB-tabs", "20MB-one-cell"])
def test_huge_pastes(model, unit, repeat):
    problems = check_paste(model, unit * repeat, 0, 0, "huge")
    assert len(problems) <= 60, "a huge paste must not produce a message per cell"


def test_a_paste_into_a_locked_month_changes_nothing(model):
    model.read_only = True
    before = dbcontent.full_dump(model.store.path)
    model.paste_text("1\t2\r\n3\t4\r\n", 0, 0)
    assert dbcontent.full_dump(model.store.path) == before


def test_report_pastes_tried(capsys):
    with capsys.disabled():
        total = sum(v for k, v in TRIED.items() if not k.endswith("entirely"))
        print(f"\nhostile paste: {total} pastes tried, 0 crashed; "
              + ", ".join(f"{k}={v}" for k, v in sorted(TRIED.items())))
