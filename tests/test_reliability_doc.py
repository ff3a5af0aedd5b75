"""docs/reliability.md and the tests it cites agree."""

import importlib
import re

import test_crash_safety

from conftest import ROOT

RELIABILITY_TESTS = ("test_crash_safety", "test_backup", "test_write_failures",
                     "test_hostile_load", "test_hostile_bundle", "test_hostile_paste",
                     "test_audit", "test_keys", "test_gui_audit_backup", "test_gui_restore")


def doc() -> str:
    return (ROOT / "docs" / "reliability.md").read_text("utf-8")


def test_every_cited_test_exists():
    cited = re.findall(r"tests/(\w+)\.py::(\w+)", doc())
    assert cited
    for module, name in cited:
        assert callable(getattr(importlib.import_module(module), name, None)), f"{module}::{name}"


def test_every_reliability_test_is_cited():
    text = doc()
    for module in RELIABILITY_TESTS:
        for name in dir(importlib.import_module(module)):
            if name.startswith("test_"):
                assert f"tests/{module}.py::{name}" in text, f"{module}::{name} is not in the doc"


def test_the_kill_count_is_the_tests():
    assert f"{test_crash_safety.KILLS} 次 SIGKILL" in doc()
