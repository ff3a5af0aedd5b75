import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from jianwang_desktop.core.interchange import month_to_dict
from jianwang_desktop.core.formdef import load_form
from sample_data import sample_month

from conftest import MIANYANG, run_cli

INIT = ["init", "--region", "绵阳市", "--department", "版权局", "--filler", "张三",
        "--phone", "0816-2345678"]


def out(result) -> str:
    return result.stdout.decode("utf-8") + result.stderr.decode("utf-8")


def test_init_load_dump_check(tmp_path):
    db = tmp_path / "office.db"
    r = run_cli(*INIT, db=db)
    assert r.returncode == 0, out(r)
    assert "绵阳市版权局" in out(r)

    data = month_to_dict(load_form("剑网2015"), MIANYANG, sample_month(load_form("剑网2015")))
    data["cases"][0]["summary"] = "第一行\n第二行 𠮷"
    source = tmp_path / "august.json"
    source.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    r = run_cli("load", str(source), db=db)
    assert r.returncode == 0, out(r)
    assert "案件 3 条" in out(r)

    dumped = tmp_path / "dumped.json"
    r = run_cli("dump", "--month", "2015-08", "--out", str(dumped), db=db)
    assert r.returncode == 0, out(r)
    assert dumped.read_text("utf-8") == source.read_text("utf-8")

    r = run_cli("dump", "--month", "2015-08", db=db)
    assert json.loads(r.stdout.decode("utf-8")) == data

    r = run_cli("check", "--month", "2015-08", db=db)
    assert r.returncode == 0 and "校验通过" in out(r)


def test_check_exits_1_on_errors_and_lists_them(tmp_path):
    db = tmp_path / "office.db"
    run_cli(*INIT, db=db)
    r = run_cli("check", "--month", "2015-09", db=db)
    assert r.returncode == 1
    assert "[错误] 附件1 文学 行政立案数:未填写" in out(r)
    assert "42 个错误" in out(r)


def test_a_bad_file_leaves_the_database_byte_for_byte(tmp_path):
    db = tmp_path / "office.db"
    run_cli(*INIT, db=db)
    form = load_form("剑网2015")
    good = month_to_dict(form, MIANYANG, sample_month(form))
    (tmp_path / "good.json").write_text(json.dumps(good, ensure_ascii=False), "utf-8")
    assert run_cli("load", str(tmp_path / "good.json"), db=db).returncode == 0
    before = db.read_bytes()
    bad = json.loads(json.dumps(good))
    bad["cases"][1]["involved"] = "很多"
    (tmp_path / "bad.json").write_text(json.dumps(bad, ensure_ascii=False), "utf-8")
    r = run_cli("load", "--replace", str(tmp_path / "bad.json"), db=db)
    assert r.returncode == 2
    assert "第2条案件" in out(r) and "涉案金额" in out(r)
    assert db.read_bytes() == before


def test_user_errors_are_chinese_messages_not_tracebacks(tmp_path):
    db = tmp_path / "office.db"
    r = run_cli("init", "--region", "绵阳市", "--department", "版权局", "--filler", "张三",
                "--phone", "12345", db=db)
    assert r.returncode == 2
    assert "联系电话格式不对" in out(r) and "Traceback" not in out(r)
    r = run_cli("load", str(tmp_path / "missing.json"), db=db)
    assert r.returncode == 2 and "无法读取文件" in out(r)
    r = run_cli("dump", "--month", "2015-13", db=db)
    assert r.returncode == 2 and "不在" in out(r)
    (tmp_path / "not.db").write_bytes(b"not a database at all" * 50)
    r = run_cli("check", "--month", "2015-08", db=tmp_path / "not.db")
    assert r.returncode == 2 and "不是本程序的数据库" in out(r)


def test_module_and_console_script_agree(tmp_path):
    r = run_cli("--help")
    assert r.returncode == 0
    for command in ("init", "load", "dump", "check"):
        assert command in out(r)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["--db", "--db=a.db", "--db=", "b.db", "-x", "", "gui", "check",
                                 "--exit-after-start", "--version", "--help", "--exit"]),
                max_size=5))
def test_the_quick_reading_of_a_window_start_agrees_with_the_full_parser(argv):
    """`jianwang [--db PATH] [--exit-after-start] [gui]` skips building the parser of every
    command; what it reads must be what the parser reads, and anything else goes to it."""
    from jianwang_desktop.cli import build_parser, window_arguments

    quick = window_arguments(argv)
    if quick is None:
        return
    full = build_parser().parse_args(argv)  # accepted by the quick reading: valid here too
    assert full.command in (None, "gui")
    assert (quick.db, quick.exit_after_start) == (full.db, full.exit_after_start)


def test_the_quick_reading_takes_the_plain_starts_only():
    from jianwang_desktop.cli import window_arguments

    assert window_arguments([]).db is None
    assert window_arguments(["--db", "x.db", "--exit-after-start"]).db == Path("x.db")
    assert window_arguments(["--db=x.db", "gui"]).exit_after_start is False
    for other in (["check"], ["--help"], ["gui", "--db", "x.db"], ["--db"], ["--version"]):
        assert window_arguments(other) is None
