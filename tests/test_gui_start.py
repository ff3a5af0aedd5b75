from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListView, QTableView

from gui_helpers import open_main  # noqa: F401
from sample_data import full_grid

from conftest import run_cli


def test_main_window_shows_the_current_month(store, open_main):
    grid = full_grid(store.form)
    store.set_cells("2015-09", {(c, k): v for c, row in grid.items() for k, v in row.items()})
    window = open_main(today=date(2015, 9, 12))
    assert window.period == "2015-09"
    months = window.findChild(QListView, "monthList")
    assert months.currentIndex().row() == 2
    model = window.findChild(QTableView, "statisticsView").model()
    assert model.rowCount() == 7 and model.columnCount() == 7
    total_filed = sum(row["filed"] for row in grid.values())
    assert model.index(6, 0).data() == str(total_filed)
    assert "还有 18 天" in window.due_label.text()
    assert "绵阳市" in window.region_label.text()


def test_switching_month(store, open_main):
    store.set_cell("2015-07", "音乐", "fine", "2.50")
    window = open_main(today=date(2015, 9, 1))
    window.month_list.setCurrentIndex(window.month_model.index(0))
    assert window.period == "2015-07"
    model = window.statistics_model
    assert model.index(1, 2).data() == "2.50"
    assert "已逾期" in window.due_label.text()


def test_the_month_list_shows_state_due_date_and_days(qtbot, store, open_main):
    store.set_cells("2015-07", {("音乐", "fine"): "2.50", ("音乐", "closed"): 0})  # a rule broken
    grid = full_grid(store.form)
    store.set_cells("2015-08", {(c, k): v for c, row in grid.items() for k, v in row.items()})
    store.set_cell("2015-09", "音乐", "filed", 1)
    window = open_main(today=date(2015, 9, 1), started=False)
    assert "检查中" in window.month_model.index(0).data() or not window.start_pending
    # The other months' states are worked out once the window has painted.
    qtbot.waitUntil(lambda: not window.start_pending)
    texts = [window.month_model.index(r).data() for r in range(5)]
    assert "2015年7月" in texts[0] and "【有错误】" in texts[0] and "已逾期 33 天" in texts[0]
    # Checked is not sent: the countdown stays until the month is exported.
    assert "【已校验】" in texts[1] and "截止 8月30日 · 已逾期 2 天" in texts[1]
    assert "【填写中】" in texts[2] and "还有 29 天" in texts[2]
    assert "【未填写】" in texts[3] and "截止 10月30日" in texts[3]


def test_the_countdown_of_a_checked_month_goes_only_with_its_export(store, open_main, tmp_path):
    from jianwang_desktop.core.bundle import export_month
    from sample_data import sample_month

    store.replace_month(sample_month(store.form))
    window = open_main(today=date(2015, 8, 30))
    assert "【已校验】" in window.month_model.index(1).data()
    assert "今天截止" in window.month_model.index(1).data()
    export_month(store, "2015-08", tmp_path)
    window.refresh_month_states()
    text = window.month_model.index(1).data()
    assert "【已导出】" in text and "今天截止" not in text and "天" not in text


def test_an_exported_month_is_not_told_overdue_in_the_header(store, open_main, tmp_path):
    """Sent on the 29th and opened on 2 September: the list shows 【已导出】 without a
    countdown, and the header above the forms had said 已逾期 3 天 (the tooltip too)."""
    from datetime import datetime, timedelta, timezone

    from jianwang_desktop.core.bundle import export_month
    from sample_data import sample_month

    store.replace_month(sample_month(store.form))
    export_month(store, "2015-08", tmp_path,
                 now=datetime(2015, 8, 29, 17, 0, tzinfo=timezone(timedelta(hours=8))))
    window = open_main(today=date(2015, 9, 2))
    window.month_list.setCurrentIndex(window.month_model.index(1))
    assert window.period == "2015-08"
    header = window.due_label.text()
    assert "逾期" not in header and "第1版已于 2015-08-29 17:00 导出" in header
    tip = window.month_model.index(1).data(Qt.ItemDataRole.ToolTipRole)
    assert "逾期" not in tip and "已导出" in tip
    store.start_correction("2015-08", "查处结果有误")
    window.reload_month("2015-08")
    assert "已逾期 3 天" in window.due_label.text()  # the corrected version is not sent yet


def test_the_program_starts_paints_and_exits(tmp_path):
    r = run_cli("--exit-after-start", db=tmp_path / "fresh.db")
    assert r.returncode == 0, r.stderr.decode("utf-8")
    out = r.stdout.decode("utf-8")
    assert "主窗口已打开并绘制" in out  # printed only after a paint event
    assert "启动完成,程序正常" in out  # and after the start-up work that follows it
    assert (tmp_path / "fresh.db").exists()
    assert not (tmp_path / "fresh.db.lock").exists()  # released on exit


def test_exit_after_start_fails_with_the_reason_on_a_file_that_is_not_ours(tmp_path):
    not_ours = tmp_path / "notes.db"
    not_ours.write_bytes(b"not a database at all\n")
    r = run_cli("--exit-after-start", db=not_ours)
    err = r.stderr.decode("utf-8")
    assert r.returncode == 2 and "不是本程序的数据库文件" in err and "Traceback" not in err
    assert "主窗口已打开" not in r.stdout.decode("utf-8")
    assert not_ours.read_bytes() == b"not a database at all\n"



def start_with(script: str, db):
    """`jianwang --db DB --exit-after-start` run by `script` (which patches something first)."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    return subprocess.run([sys.executable, "-c", script, "--db", str(db), "--exit-after-start"],
                          capture_output=True, cwd=ROOT, timeout=120,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8"))


BROKEN_CHECK = """
import sys
from jianwang_desktop.gui.main_window import MainWindow

def broken_check(self):
    raise RuntimeError("校验坏了")

MainWindow.check_now = broken_check
from jianwang_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_exit_after_start_fails_on_an_error_after_the_first_paint(tmp_path):
    """An error in the start-up work after the first paint (which a user's session only
    prints) fails the smoke test: here the month's check raises."""
    r = start_with(BROKEN_CHECK, tmp_path / "a.db")
    out, err = r.stdout.decode("utf-8"), r.stderr.decode("utf-8")
    assert r.returncode == 1, err
    assert "主窗口已打开并绘制" in out and "启动完成" not in out  # it did paint
    assert "启动时出错" in err and "校验坏了" in err


GC_AFTER_START = """
import gc, sys
from jianwang_desktop.gui.main_window import MainWindow

from PySide6.QtWidgets import QApplication

seen = []
finish = MainWindow._finish_start
MainWindow._finish_start = lambda self: (
    seen.append((gc.isenabled(), QApplication.windowIcon().isNull())), finish(self))
from jianwang_desktop.cli import main
code = main(sys.argv[1:])
print("gc", seen, gc.isenabled(), gc.get_freeze_count() > 0)
print("icon", not QApplication.windowIcon().isNull())
sys.exit(code)
"""


def test_the_collector_and_the_icon_wait_for_the_first_paint(tmp_path):
    r = start_with(GC_AFTER_START, tmp_path / "a.db")
    assert r.returncode == 0, r.stderr.decode("utf-8")
    # Off while the window was built and painted; on again, with the start-up's objects
    # frozen. The window icon (an SVG to draw) is set then too.
    assert "gc [(False, True)] True True" in r.stdout.decode("utf-8")
    assert "icon True" in r.stdout.decode("utf-8")


AT_FIRST_PAINT = """
import enum
import sys
from jianwang_desktop.gui.main_window import MainWindow

def enum_owners(cls=enum.Enum):
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("PySide6."):
            yield sub.__qualname__.rsplit(".", 1)[0]
        yield from enum_owners(sub)

finish = MainWindow._finish_start
def report(self):
    print("loaded", " ".join(sorted(sys.modules)))
    print("enums of", " ".join(sorted(set(enum_owners()))))
    finish(self)
MainWindow._finish_start = report
from jianwang_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""

# Needed later (an import, a check, the 本市汇总 tab, an export, printing), not to paint.
NOT_BEFORE_THE_FIRST_PAINT = [
    "jianwang_desktop.core.receiving", "jianwang_desktop.core.rollup",
    "jianwang_desktop.core.reconcile", "jianwang_desktop.core.signing",
    "jianwang_desktop.core.excel", "jianwang_desktop.gui.background",
    "jianwang_desktop.gui.printing", "jianwang_desktop.gui.received_city_model",
    "jianwang_desktop.gui.case_editor",  # made with the 附件2 page, after the first paint
    "jianwang_desktop.gui.message_bar",  # made with the first message
    "openpyxl", "cryptography", "jsonschema", "jsonschema_rs", "sqlite_utils", "hashlib",
    "unicodedata"]  # (a C extension, for text with control characters and e-mail addresses)


def test_the_first_paint_of_a_city_s_window_loads_only_what_it_shows(tmp_path):
    from jianwang_desktop.core.store import Store

    from conftest import MIANYANG

    with Store(tmp_path / "a.db") as s:
        s.set_profile(MIANYANG)  # a 市(州)版权局: the window has its 本市汇总 tab
    r = start_with(AT_FIRST_PAINT, tmp_path / "a.db")
    assert r.returncode == 0, r.stderr.decode("utf-8")
    loaded = set(r.stdout.decode("utf-8").split("loaded ", 1)[1].split("\n", 1)[0].split())
    assert "jianwang_desktop.gui.city_page" in loaded  # the script saw the window's start
    assert sorted(loaded & set(NOT_BEFORE_THE_FIRST_PAINT)) == []


# Qt classes whose Python enum types PySide creates when a class is first used: a few
# milliseconds of the start for some. None of these is needed to paint the window.
NO_ENUMS_BEFORE_THE_FIRST_PAINT = [
    "QIcon",  # QAction(text, parent) weighed the icon constructor: menus.new_action
    "QGradient",  # QBrush(colour) did: gui/colours.py
    "QFileDevice",  # a QFile for each form: uiload loads by path
    "QFontDatabase",  # the Chinese font: app.use_chinese_font
    "QStyle", "QStyleOption",  # the grouped header of 附件1: statistics_view.GroupedHeaderView
    "QKeySequence",  # shortcuts, given after it: menus.give_shortcuts
    "QComboBox", "QPlainTextEdit",  # the case editor, made with the 附件2 page after it
    "QSizePolicy",  # the grids' policy is in the .ui files; the hint's, set when hidden
    "QDialog",  # the export's progress dialog: menus.start_export
    # classes of no widget of ours, once created by PySide finding the class of each
    # widget the Designer loader made in C++: uiload.FormLoader
    "QWizard", "QMessageBox", "QFileDialog", "QMdiArea", "QGraphicsView", "QDockWidget"]


def test_the_first_paint_creates_no_python_enum_types_of_classes_it_does_not_use(tmp_path):
    r = start_with(AT_FIRST_PAINT, tmp_path / "a.db")
    assert r.returncode == 0, r.stderr.decode("utf-8")
    owners = set(r.stdout.decode("utf-8").split("enums of ", 1)[1].split("\n", 1)[0].split())
    assert {"Qt", "QAbstractItemView"} <= owners  # what the window does need, seen
    assert sorted(owners & set(NO_ENUMS_BEFORE_THE_FIRST_PAINT)) == []


SOURCES_READ = """
import atexit
import sys

read = []

class WatchFeatureReads:
    # PySide6 reads a module's source (shibokensupport.feature._mod_uses_pyside) the first
    # time an import statement names it once PySide6 is loaded: watched from then on.
    def find_spec(self, name, path=None, target=None):
        feature = sys.modules.get("shibokensupport.feature")
        if feature is not None:
            sys.meta_path.remove(self)
            uses_pyside = feature._mod_uses_pyside
            def reading(module):
                read.append(module.__name__)
                return uses_pyside(module)
            feature._mod_uses_pyside = reading
        return None

sys.meta_path.insert(0, WatchFeatureReads())
atexit.register(lambda: print("read", " ".join(read)))
from jianwang_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_pyside_reads_no_source_of_a_module_loaded_before_it(tmp_path):
    """cli.import_qt_after: the core and the standard library's modules loaded before
    PySide6 are not read again by its feature hook; the window's modules still are."""
    r = start_with(SOURCES_READ, tmp_path / "a.db")
    assert r.returncode == 0, r.stderr.decode("utf-8")
    read = r.stdout.decode("utf-8").split("read ", 1)[1].split()
    assert "jianwang_desktop.gui.main_window" in read  # the hook was watched, and is there
    before = ["jianwang_desktop.core.store", "jianwang_desktop.core.records",
              "jianwang_desktop.core.formdef", "datetime", "typing", "pathlib", "copy"]
    assert sorted(set(read) & set(before)) == []


def test_no_module_of_ours_selects_a_pyside_feature():
    """cli.import_qt_after gives -1 ("ignore this module") to every module loaded before
    PySide6, cli among them, whose text names PySide6 and would have been given 0. The two
    differ once any module selects a feature (`from __feature__ import snake_case`): code
    in a -1 module then sees that module's names (`object_name`, no `objectName`), code in
    a 0 module Qt's own. So the marking is sound only while no module of ours selects one."""
    import ast

    from conftest import ROOT

    selecting = []
    for path in sorted([*(ROOT / "jianwang_desktop").rglob("*.py"), *(ROOT / "scripts").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            if "__feature__" in names:
                selecting.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert selecting == []


def test_a_month_left_before_its_deferred_check_still_gets_its_state(qtbot, store):
    """The shown month's state comes from its own check, which follows the first paint;
    a month left before that check is worked out with the others, never 检查中 for good."""
    from jianwang_desktop.gui.main_window import MainWindow

    store.set_cells("2015-08", {("音乐", "fine"): "2.50", ("音乐", "closed"): 0})  # an error
    window = MainWindow(store, today=date(2015, 8, 20))  # opens on 2015-08, unchecked
    qtbot.addWidget(window)
    window.select_month("2015-09")  # the clerk is quicker than the first paint
    window.show()
    qtbot.waitUntil(lambda: not window.start_pending)
    texts = [window.month_model.index(r).data() for r in range(5)]
    assert not [t for t in texts if "检查中" in t], texts
    assert "【有错误】" in texts[1] and window.period == "2015-09"
    window.close()


@pytest.mark.qt_no_exception_capture  # the error is the point: it is printed, not raised here
def test_an_error_after_the_first_paint_still_ends_the_start(qtbot, store, monkeypatch, capsys):
    """Whatever fails in the work after the first paint, what waits for its end (the
    collector, `--exit-after-start`) is told: nothing stays switched off all day."""
    from jianwang_desktop.gui import main_window
    from jianwang_desktop.gui.main_window import MainWindow

    def broken(*_args):
        raise RuntimeError("各部门状态读不出")

    monkeypatch.setattr(main_window, "department_states", broken)  # a city office: called
    window = MainWindow(store, today=date(2015, 8, 20))
    qtbot.addWidget(window)
    with qtbot.waitSignals([window.painted, window.started], timeout=5000):
        window.show()
    assert "各部门状态读不出" in capsys.readouterr().err  # printed by Qt's slot call
    window.close()


BIG_MONTHS = """
import sys, time
from jianwang_desktop.gui import main_window
from jianwang_desktop.gui.main_window import MainWindow

MainWindow.background_threshold = 2  # every month here is "big": read and checked off the UI thread
check_month = main_window.check_month
main_window.check_month = lambda *a: (time.sleep(0.5), check_month(*a))[1]  # a slow check
show_check = MainWindow._show_check
MainWindow._show_check = lambda self, *a: (print("checked", self.period, flush=True),
                                           show_check(self, *a))
from jianwang_desktop.cli import main
code = main(sys.argv[1:])
print("exit", code)
sys.exit(code)
"""


def test_exit_after_start_waits_for_a_big_month_read_and_checked_off_the_ui_thread(tmp_path):
    from jianwang_desktop.core.store import Store
    from sample_data import sample_case

    from conftest import MIANYANG

    with Store(tmp_path / "a.db") as s:
        s.set_profile(MIANYANG)
        for period in s.form.periods:
            for i in range(1, 4):
                s.add_case(period, sample_case(s.form, i).copy(number=f"{period}-{i:03d}"))
    r = start_with(BIG_MONTHS, tmp_path / "a.db")
    out = r.stdout.decode("utf-8")
    assert r.returncode == 0, r.stderr.decode("utf-8")
    assert "启动完成,程序正常" in out and "exit 0" in out
    assert out.index("checked") < out.index("启动完成")  # read and checked before it said so


def test_without_a_display_the_window_says_so_instead_of_aborting(tmp_path):
    """Linux over SSH: Qt itself would abort (signal 6) blaming libxcb-cursor0."""
    import os
    import subprocess
    import sys

    from conftest import ROOT

    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = subprocess.run([sys.executable, "-m", "jianwang_desktop", "--db", str(tmp_path / "a.db"),
                        "--exit-after-start"], capture_output=True, cwd=ROOT, timeout=120,
                       env=dict(env, PYTHONIOENCODING="utf-8"))
    err = r.stderr.decode("utf-8")
    assert r.returncode == 2 and "没有图形显示环境" in err and "xvfb-run" in err, err
    assert not (tmp_path / "a.db").exists()  # refused before anything was opened


def test_the_window_font_is_a_simplified_chinese_one(qapp):
    """Not the Japanese variant Qt picks for Chinese text when no family is named."""
    from PySide6.QtGui import QFontInfo

    from jianwang_desktop.gui.app import CJK_UI_FAMILIES, use_chinese_font

    before = qapp.font()
    try:
        use_chinese_font(qapp)
        assert QFontInfo(qapp.font()).family() in CJK_UI_FAMILIES
        assert qapp.font().pointSize() >= 10
    finally:
        qapp.setFont(before)


def test_the_hidden_pages_are_made_right_after_the_first_paint(qtbot, store):
    """附件2 and 校验与核对 are not shown at the start: made after the first paint, they
    then show the month the window opened on, whose cases are read then too."""
    from jianwang_desktop.gui.main_window import MainWindow
    from sample_data import sample_case

    store.add_case("2015-08", sample_case(store.form, 1))
    window = MainWindow(store, today=date(2015, 8, 20))
    qtbot.addWidget(window)
    assert "cases_view" not in vars(window) and window.case_model.rowCount() == 0
    assert window.statistics_model.period == "2015-08"  # what the first paint shows: read
    window.show()
    qtbot.waitUntil(lambda: not window.start_pending)
    assert window.cases_view.model() is window.case_proxy and window.case_model.rowCount() == 1
    assert window.cases_count_label.text() == "本月共 1 条案件"
    assert window.case_editor.parent() is not None and window.add_case_button.isEnabled()
    assert window.findings_summary.text()  # the month's check, said on its page


def test_a_big_month_read_before_the_work_after_the_first_paint_waits_for_its_page(
        qtbot, store, monkeypatch):
    """The read of a big month (off the UI thread) may come in between the first paint and
    the work that follows it: its check waits for that work, which makes 校验与核对."""
    from jianwang_desktop.gui.main_window import MainWindow
    from sample_data import sample_case

    for i in range(1, 4):
        store.add_case("2015-08", sample_case(store.form, i))
    monkeypatch.setattr(MainWindow, "background_threshold", 2)
    finish = MainWindow._finish_start

    def after_the_read(self):
        qtbot.waitUntil(lambda: not self.loading, timeout=10000)
        finish(self)

    monkeypatch.setattr(MainWindow, "_finish_start", after_the_read)
    window = MainWindow(store, today=date(2015, 8, 20))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.start_pending, timeout=10000)
    assert window.case_model.rowCount() == 3
    assert "本月" in window.findings_summary.text()  # checked, and said on its page


def test_an_action_taken_before_the_work_after_the_first_paint_finds_its_pages(
        qtbot, store, monkeypatch):
    """A click queued before the first paint (校验 here) is handled before the work that
    follows it: the pages it reports on are made then, on demand."""
    from jianwang_desktop.gui.main_window import MainWindow

    finish = MainWindow._finish_start

    def click_first(self):
        self.menus.check_action.trigger()
        finish(self)

    monkeypatch.setattr(MainWindow, "_finish_start", click_first)
    window = MainWindow(store, today=date(2015, 8, 20))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.start_pending)
    assert window.findings_summary.text() and window.cases_view.model() is window.case_proxy


def test_the_start_is_finished_even_without_a_paint_event_of_the_window_itself(
        qtbot, store, monkeypatch):
    from jianwang_desktop.gui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "start_fallback_ms", 50)
    window = MainWindow(store, today=date(2015, 8, 20))
    qtbot.addWidget(window)
    window._paint_seen = True  # as if no paint event of its own came
    window.show()
    qtbot.waitUntil(lambda: window._painted and not window.start_pending)
    assert window.findings_summary.text() and not window.undo_action.shortcut().isEmpty()


def test_a_month_left_during_its_check_calls_no_window_deleted_meanwhile(qtbot, store):
    """Leaving a month whose check still runs asks, a turn later, for the other months'
    states: the window had to be there still. A restore (工具 → 备份与恢复…) closes and
    deletes the window it replaces; the call then met a deleted C++ object."""
    import shiboken6

    from jianwang_desktop.gui.main_window import MainWindow

    window = MainWindow(store, today=date(2015, 8, 20))
    with qtbot.waitSignals([window.painted, window.started], timeout=5000):
        window.show()
    window.checking = True  # the month's check runs on a worker thread
    window.select_month("2015-09")  # the clerk leaves it
    window.close()
    shiboken6.delete(window)  # as deleteLater does, before the next turn of the loop
    qtbot.wait(50)  # an exception raised in that turn fails the test (pytest-qt)
