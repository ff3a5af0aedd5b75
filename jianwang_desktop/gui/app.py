"""Starting the GUI: the application object, Chinese fonts and translations, the window."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QLibraryInfo, QLocale, QObject, QTimer, QTranslator
from PySide6.QtWidgets import QApplication

from .. import APP_DISPLAY_NAME, APP_NAME, ORGANIZATION, __version__
from ..core.errors import UserError
from ..core.resources import resource_path

# Simplified Chinese families, best first: Windows, then Linux. Naming one explicitly
# keeps Qt from drawing Chinese with a Japanese variant (e.g. Noto Sans CJK JP).
CJK_UI_FAMILIES = ("Microsoft YaHei UI", "Microsoft YaHei", "SimSun", "Noto Sans CJK SC",
                   "Source Han Sans SC", "WenQuanYi Micro Hei", "Noto Serif CJK SC")


def chinese_family(candidates: tuple[str, ...] = CJK_UI_FAMILIES) -> str | None:
    from PySide6.QtGui import QFontDatabase

    available = set(QFontDatabase.families())
    for family in candidates:
        if family in available:
            return family
    return None


def make_application(argv: list[str] | None = None, icon: bool = True) -> QApplication:
    """The application with its names, Chinese font and translations; `icon=False` leaves
    the window icon to `set_window_icon` (the main window sets it after its first paint)."""
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_DISPLAY_NAME)
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationVersion(__version__)
    if icon:
        set_window_icon(app)
    use_chinese_font(app)
    install_translations(app)
    return app


def use_chinese_font(app: QApplication) -> None:
    """Qt takes each character from the first installed family of the list that has it.
    (Asking the font database which one is installed first would create the Python types
    of its enums before the first paint, and a list of every family on the machine.)
    Without any of them the system's font stays as it is."""
    from PySide6.QtGui import QFontInfo

    font = app.font()
    font.setFamilies(list(CJK_UI_FAMILIES))
    if QFontInfo(font).family() in CJK_UI_FAMILIES:
        font.setPointSize(max(font.pointSize(), 10))
        app.setFont(font)


def set_window_icon(app: QApplication) -> None:
    from PySide6.QtGui import QIcon

    icon = resource_path("icons", "jianwang.svg")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))


def install_translations(app: QApplication) -> None:
    """Qt's own dialogs in Chinese; our strings are Chinese in the source already."""
    locale = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    translators = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_translator = QTranslator(app)
    if qt_translator.load(locale, "qtbase", "_", qt_dir):
        translators.append(qt_translator)
    ours = QTranslator(app)
    if ours.load(locale, "jianwang", "_", str(resource_path("translations"))):
        translators.append(ours)
    for translator in translators:
        app.installTranslator(translator)


def resume_garbage_collection() -> None:
    """Start-up makes many objects that live as long as the program (Qt's enum classes,
    the form definition, the window), and Python's cyclic collector would walk them again
    and again meanwhile: `cli.cmd_gui` turns it off until the window has painted (about
    4 % of the time to the first paint). Then one collection, and what survives it is left
    out of later collections (gc.freeze)."""
    if not gc.isenabled():
        gc.collect()
        gc.freeze()
        gc.enable()


def before_a_dialog() -> None:
    """A dialog shown instead of the window (setup, restore, a refusal) may stay open a
    while: the icon and the collector the first paint would have brought, now."""
    set_window_icon(QApplication.instance())
    resume_garbage_collection()


def run_gui(db_path: Path | None, exit_after_start: bool = False) -> int:
    try:
        return _run_gui(db_path, exit_after_start)
    finally:
        resume_garbage_collection()  # whatever ended the start (a refusal, a dialog)


def _run_gui(db_path: Path | None, exit_after_start: bool) -> int:
    from ..core.store import Store, default_db_path
    from .db_lock import acquire_db_lock
    from .main_window import MainWindow

    app = make_application(icon=False)
    path = Path(db_path or default_db_path())
    try:
        lock = acquire_db_lock(path)
    except UserError as e:
        return _refuse(e, exit_after_start)
    try:
        store = _open_or_restore(Store, path, exit_after_start)
    except UserError as e:
        lock.unlock()
        return _refuse(e, exit_after_start)
    try:
        if store.profile() is None and not exit_after_start:
            from .profile_dialog import SetupDialog

            before_a_dialog()
            if not SetupDialog(store).exec():
                return 0  # nothing set up, nothing to show; the next start asks again
        window = MainWindow(store)
        window.painted.connect(lambda: set_window_icon(app))
        window.started.connect(resume_garbage_collection)
        shown = [window]  # a restore from backup puts a new window (and store) in its place
        window.on_replaced = lambda new: shown.__setitem__(0, new)
        try:
            if exit_after_start:
                first_paint = QuitAfterFirstPaint(window)
            window.show_on_screen()
            status = app.exec()
            if exit_after_start:
                return first_paint.report()
            return status
        finally:
            window, store = shown[0], shown[0].store  # (one replaced is closed already)
            window.close()  # nothing of it outlives its store (closing twice is harmless)
            window.deleteLater()
    finally:
        store.close()
        lock.unlock()


class QuitAfterFirstPaint(QObject):
    """For `--exit-after-start`: say when the window has really painted, let the start-up
    work that follows the first paint finish, then quit; fail on a timeout or on any error
    raised meanwhile (which a user's session would only print and carry on after)."""

    TIMEOUT_MS = 60_000

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.painted = False
        self.errors: list[str] = []
        self._previous_hook = sys.excepthook
        sys.excepthook = self._record
        window.installEventFilter(self)
        window.started.connect(self._quit_when_started)
        window.findings_updated.connect(self._quit_when_started)  # a big month's work, done
        window.states_updated.connect(self._quit_when_started)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(QApplication.quit)
        self._timer.start(self.TIMEOUT_MS)

    def _record(self, kind, value, traceback) -> None:
        self._previous_hook(kind, value, traceback)
        self.errors.append(f"{kind.__name__}: {value}")
        QApplication.quit()

    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint and not self.painted:
            self.painted = True
            # From the next turn of the loop, once this paint (children included) is done.
            QTimer.singleShot(0, self._report_paint)
        return False

    def _report_paint(self) -> None:
        print("主窗口已打开并绘制。", flush=True)
        self._quit_when_started()

    def _quit_when_started(self) -> None:
        if self.painted and not self.window.start_pending:
            QTimer.singleShot(0, QApplication.quit)

    def report(self) -> int:
        sys.excepthook = self._previous_hook
        if self.errors:
            print("错误:启动时出错:" + ";".join(self.errors), file=sys.stderr)
            return 1
        if not self.painted:
            print(f"错误:主窗口在 {self.TIMEOUT_MS // 1000} 秒内没有绘制出来(显示环境有问题?)。",
                  file=sys.stderr)
            return 3
        if self.window.start_pending:
            print(f"错误:启动后的检查在 {self.TIMEOUT_MS // 1000} 秒内没有完成。", file=sys.stderr)
            return 3
        print("启动完成,程序正常。", flush=True)
        return 0


def _open_or_restore(open_store, path: Path, exit_after_start: bool):
    """A damaged database file: offer its backups, then open the restored file."""
    from ..core.backup import DamagedDatabase

    try:
        return open_store(path)
    except DamagedDatabase as e:
        from .backup_dialog import offer_restore_at_start

        before_a_dialog()
        if exit_after_start or not offer_restore_at_start(path, e):
            raise
    return open_store(path)


def _refuse(error: UserError, exit_after_start: bool) -> int:
    if exit_after_start:
        print(f"错误:{error}", file=sys.stderr)
    else:
        from PySide6.QtWidgets import QMessageBox

        before_a_dialog()
        QMessageBox.critical(None, APP_DISPLAY_NAME, str(error))
    return 2


def main() -> int:
    """Entry point of the windowed `jianwang-gui` script."""
    from ..cli import main as cli_main

    return cli_main(sys.argv[1:])
