"""The README and the docs agree with the code."""

import json
import re

from jianwang_desktop.cli import build_parser
from jianwang_desktop.core.formdef import load_form
from jianwang_desktop.core.resources import resource_path

from conftest import ROOT


def fenced_commands() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text)


def test_readme_starts_with_the_two_commands():
    commands = fenced_commands()
    assert commands[0] == "pip install -e . && jianwang"
    assert commands[1] == 'pip install -e ".[test]" && python -m pytest'
    head = (ROOT / "README.md").read_text("utf-8").split("## ")[0]
    assert commands[0] in head and commands[1] in head


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "README.md" in ci and "QT_QPA_PLATFORM=offscreen" in ci


def test_every_command_is_documented():
    readme = (ROOT / "README.md").read_text("utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in sub.choices:
        if name != "gui":
            assert f"`jianwang {name}" in readme, name


def test_every_measure_is_documented_in_the_data_format():
    doc = (ROOT / "docs" / "data-format.md").read_text("utf-8")
    for measure in load_form("剑网2015").measures:
        assert f"`{measure.key}`" in doc
    schema = json.loads(resource_path("schema", "jianwang-data-1.schema.json").read_text("utf-8"))
    for key in schema["properties"]:
        assert f"`{key}`" in doc, key
