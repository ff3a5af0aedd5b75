"""The core's immutable records are typing.NamedTuple (a frozen dataclass compiles six
methods with exec when its module is imported): what being a tuple could change."""

import dataclasses
import importlib
import inspect
import json
import pkgutil

import jianwang_desktop.core as core
from jianwang_desktop.core.audit import CELL, AuditEntry
from jianwang_desktop.core.completeness import Matrix

# Kept as frozen dataclasses on purpose, with what a NamedTuple cannot give them.
FROZEN_DATACLASSES = {
    "jianwang_desktop.core.formdef.FormDefinition": "its lookups are cached_property",
}


def core_classes() -> list[type]:
    classes = []
    for info in pkgutil.iter_modules(core.__path__):
        module = importlib.import_module(f"{core.__name__}.{info.name}")
        classes += [c for c in vars(module).values()
                    if inspect.isclass(c) and c.__module__ == module.__name__]
    return classes


def test_the_core_has_one_kind_of_immutable_record():
    frozen = sorted(f"{c.__module__}.{c.__qualname__}" for c in core_classes()
                    if dataclasses.is_dataclass(c) and c.__dataclass_params__.frozen)
    assert frozen == sorted(FROZEN_DATACLASSES)
    records = [c for c in core_classes() if issubclass(c, tuple) and hasattr(c, "_fields")]
    assert Matrix in records and AuditEntry in records


def test_no_record_hides_a_tuple_method():
    """A field or method named count or index would replace tuple's own (Matrix had a
    count(period, status), now status_count)."""
    records = [c for c in core_classes() if issubclass(c, tuple) and hasattr(c, "_fields")]
    hiding = sorted(f"{c.__qualname__}.{name}" for c in records for name in ("count", "index")
                    if getattr(c, name) is not getattr(tuple, name))
    assert hiding == []


def test_an_audit_entry_goes_through_changes_json_as_an_object():
    """changes.json holds each entry's as_dict and the verifier reads it back with
    AuditEntry(**entry): an object keyed by field, never the tuple written as a list."""
    entry = AuditEntry(2, "2015-08-29T09:00:00+08:00", "张三", "罚款金额填错", CELL, "音乐",
                       "fine", "3", "3.25")
    text = json.dumps(entry.as_dict(), ensure_ascii=False)
    read = json.loads(text)
    assert list(read) == list(AuditEntry._fields)
    assert read["field"] == "fine" and read["old"] == "3"
    assert AuditEntry(**read) == entry
