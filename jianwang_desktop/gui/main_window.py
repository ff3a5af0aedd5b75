"""The main window: the month navigator, and for the chosen month 附件1, 附件2 and the findings."""

from __future__ import annotations

import copy
from datetime import date
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import (QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer,
                            Signal)
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import (QAbstractItemDelegate, QAbstractItemView, QFrame, QHeaderView,
                               QLabel, QLineEdit, QListView, QMainWindow,
                               QPushButton, QScrollArea, QTableView, QTabWidget, QWidget)

from .. import APP_DISPLAY_NAME
from ..core.errors import UserError
from ..core.month_state import (MonthStatus, date_text, days_left_text, month_status,
                                reason_text)
from ..core.records import CASE_TEXT_FIELDS, CaseRecord, MonthData, grid_from_cases
from ..core.recipients import provincial_emails
from ..core.roles import CITY_ROLE, OFFICE_ROLE, PROVINCE_ROLE, receiving_role
from ..core.store import Store
from ..core.validation import Finding, validate_month
from .case_model import CaseFilterModel, CaseTableModel
from .findings_model import CHECKING, FindingRole, FindingsModel, MonthListModel, ReconcileModel
from .menus import MainMenus, give_shortcuts, new_action
from .statistics_model import StatisticsModel
from .statistics_view import StatisticsView
from .uiload import WINDOW_FRAME, child, embed, load_ui, make_title

if TYPE_CHECKING:
    from .message_bar import MessageBar


class MinimumHeightFollowsWidth(QObject):
    """Keeps a page's minimum height at what its layout needs at its present width.

    附件1's notes and key hint wrap to more lines on a narrow window; the scrolling panel
    cannot ask for a height for its width through the splitter and the tab widget, so the
    page was given less than it needs and squeezed the grid (合计 cut off at 1024×600).
    With the minimum raised, the panel scrolls instead.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and event.size().width() != event.oldSize().width():
            layout = watched.layout()
            if layout is not None and layout.hasHeightForWidth():
                watched.setMinimumHeight(layout.minimumHeightForWidth(watched.width()))
        return False


def check_month(form, month: MonthData):
    """Validation and reconciliation of a snapshot: pure, so it may run off the UI thread."""
    from ..core.reconcile import reconcile

    return validate_month(form, month), reconcile(form, month.statistics, month.cases)


def read_month(path, period: str) -> MonthData:
    """Load a month on a worker thread, through a connection of its own."""
    with Store(path) as store:
        return store.load_month(period)


def department_states(store, periods) -> dict[str, tuple[list[str], list[str]]]:
    """{period: (departments whose bundle is in, departments not yet)} at a 市(州)版权局."""
    from ..core.receiving import current_bundles
    from ..core.roles import senders_of

    senders = senders_of(store.profile())
    out = {}
    for period in periods:
        current = current_bundles(store, period)
        out[period] = ([s.department for s in senders if s in current],
                       [s.department for s in senders if s not in current])
    return out


def read_statuses(path, periods) -> list[MonthStatus]:
    with Store(path) as store:
        return [month_status(store, p) for p in periods]


# The widgets of the 附件2 and 校验与核对 pages, made right after the first paint
# (_build_form_pages): attribute → (form in ui/, class, object name).
PAGE_WIDGETS: dict[str, tuple[str, type, str]] = {
    "cases_title_label": ("cases_page", QLabel, "casesTitleLabel"),
    "search_edit": ("cases_page", QLineEdit, "searchEdit"),
    "add_case_button": ("cases_page", QPushButton, "addCaseButton"),
    "duplicate_case_button": ("cases_page", QPushButton, "duplicateCaseButton"),
    "delete_case_button": ("cases_page", QPushButton, "deleteCaseButton"),
    "cases_view": ("cases_page", QTableView, "casesView"),
    "editor_host": ("cases_page", QWidget, "editorHost"),
    "editor_scroll": ("cases_page", QScrollArea, "editorScroll"),
    "cases_count_label": ("cases_page", QLabel, "casesCountLabel"),
    "findings_summary": ("findings_page", QLabel, "findingsSummary"),
    "findings_view": ("findings_page", QTableView, "findingsView"),
    "reconcile_label": ("findings_page", QLabel, "reconcileLabel"),
    "reconcile_view": ("findings_page", QTableView, "reconcileView"),
    "fill_from_cases_button": ("findings_page", QPushButton, "fillFromCasesButton"),
}
MADE_WITH_PAGES = PAGE_WIDGETS.keys() | {"case_editor", "delete_case_action", "_search_timer"}


class MainWindow(QMainWindow):
    findings_updated = Signal()
    states_updated = Signal()  # big months' states, worked out on a worker thread, are in
    painted = Signal()  # the first paint is done (the start-up work after it begins)
    started = Signal()  # the start-up work left for after the first paint is done
    # Months with more cases than this are checked on a worker thread.
    background_threshold = 5000
    minimum_size = (800, 560)  # the whole window, menus and status bar included
    message_timeout = 10000  # ms a problem stays in the status bar
    preview_rows = 200  # cases shown at once while a big month is read
    start_fallback_ms = 3000  # the start-up work without a paint event of the window's own

    def __init__(self, store: Store, today: date | None = None):
        super().__init__()
        self.store = store
        self.form = store.form
        self.today = today or date.today()
        self.period: str = ""
        self._case_order: list[int] = []  # case ids in the order of the printed form
        self._back_to_case: int | None = None  # put back by refused_edits_kept, not shown anew
        self._month_put_back = False  # the month left is being put back (refused_edits_kept)
        self._check_generation = 0
        self._load_generation = 0
        self.checking = False  # a check runs on a worker thread
        self.loading = False  # a month is being read on a worker thread
        self._loading_period = ""  # the month being read while loading
        self._states_to_fill: list[str] = []  # months whose state the list still lacks
        self._departments_to_fill = False  # a city's list still lacks whose bundles are in
        self._reading_statuses = 0  # reads of big months' states running off the UI thread
        # Start-up: the first paint shows the month; its check (findings, the month's state),
        # the other months' states and the hidden pages follow at once, after it.
        self._paint_seen = False  # the first paint began: _finish_start is on its way
        self._painted = False  # _finish_start has begun: the window is complete from here
        self._check_after_paint = False
        self._cases_after_paint = ""  # the month shown whose 附件2 cases are read after it
        # A restore from backup shows the restored file in a new window (live_restore):
        # told of it, e.g. to close that one at the end instead of this.
        self.on_replaced: Callable[[MainWindow], None] | None = None
        self.replaced = False  # this window's store is closed; a new window took its place

        self.panel = load_ui("main_panel", self, custom=(StatisticsView,))
        # The panel scrolls rather than the window growing past the screen: a 1366×768
        # laptop with a taskbar has about 720 px, and a message bar must not push it.
        scroller = QScrollArea(self)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # a Tab stop with nothing to show
        scroller.setWidgetResizable(True)
        scroller.setWidget(self.panel)
        self.setCentralWidget(scroller)
        self._min_height_follows_width = MinimumHeightFollowsWidth(self)
        self.panel.findChild(QWidget, "statisticsPage").installEventFilter(
            self._min_height_follows_width)
        self.setWindowTitle(self.tr("剑网填报") + f" · {self.form.campaign}")
        self.setMinimumSize(*self.minimum_size)
        self.resize(1200, 720)
        self._find_widgets()

        self.undo_stack = QUndoStack(self)
        self.statistics_model = StatisticsModel(self.form, parent=self, store=store,
                                                undo_stack=self.undo_stack)
        self.statistics_view.setModel(self.statistics_model)
        self.statistics_view.use_form(self.form)
        self.statistics_model.refused.connect(self.show_message)
        self.statistics_model.edited.connect(self.schedule_check)
        self.statistics_view.message.connect(self.show_message)
        self._setup_actions()

        self._setup_case_models()
        self.menus = MainMenus(self)
        self.role = ""
        self.city_page = self.status_page = self.totals_page = self.register_page = None
        self._office_tabs = [(self.tabs.widget(i), self.tabs.tabText(i))
                             for i in range(self.tabs.count())]
        self._statistics_title = self.tabs.tabText(self.tabs.indexOf(self.statistics_page))
        self.tabs.currentChanged.connect(self._tab_changed)
        self._check_timer = QTimer(self, singleShot=True, interval=150)
        self._check_timer.timeout.connect(self.check_now)

        self.month_model = MonthListModel(self)
        self.month_list.setModel(self.month_model)
        self.month_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        current = self.form.current_month(self.today)
        self.apply_role(refresh=False)
        self.refresh_month_states(showing=current.period, after_paint=True)
        self.month_list.selectionModel().currentChanged.connect(
            lambda current, _previous: self.show_month(self.month_model.status(current.row()).period))
        self.settings_button.clicked.connect(self.open_settings)

        self._style_titles()
        self.show_profile()
        self.select_month(current.period)

    # ------------------------------------------------------------ construction

    def _find_widgets(self) -> None:
        p = self.panel
        self.month_list: QListView = child(p, QListView, "monthList")
        self.work_pane: QWidget = child(p, QWidget, "workPane")
        self.settings_button: QPushButton = child(p, QPushButton, "settingsButton")
        self.unit_label: QLabel = child(p, QLabel, "unitLabel")
        self.due_label: QLabel = child(p, QLabel, "dueLabel")
        self.tabs: QTabWidget = child(p, QTabWidget, "formTabs")
        self.statistics_page: QWidget = child(p, QWidget, "statisticsPage")
        self.cases_page: QWidget = child(p, QWidget, "casesPage")
        self.findings_page: QWidget = child(p, QWidget, "findingsPage")
        self.title_label: QLabel = child(p, QLabel, "titleLabel")
        self.region_label: QLabel = child(p, QLabel, "regionLabel")
        self.footer_label: QLabel = child(p, QLabel, "footerLabel")
        self.notes_label: QLabel = child(p, QLabel, "notesLabel")
        self.statistics_view: StatisticsView = child(p, StatisticsView, "statisticsView")
        self.fill_zero_button: QPushButton = child(p, QPushButton, "fillZeroButton")
        self.grid_hint: QLabel = child(p, QLabel, "gridHint")
        self.undo_button: QPushButton = child(p, QPushButton, "undoButton")
        self.redo_button: QPushButton = child(p, QPushButton, "redoButton")
        self.navigator_pane: QWidget = child(p, QWidget, "navigatorPane")
        self._message_bar: MessageBar | None = None  # made with the first message
        self._lock_banner: QFrame | None = None  # made for the first exported month

    def _setup_case_models(self) -> None:
        """What the month needs before its 附件2 and 校验与核对 pages are made: their models
        and the window's actions."""
        self.case_model = CaseTableModel(self.form, self)
        self.case_proxy = CaseFilterModel(self)
        self.case_proxy.setSourceModel(self.case_model)
        self.add_case_action = new_action(self.tr("新增案件"), self)
        self.add_case_action.triggered.connect(self.add_case)
        self.addAction(self.add_case_action)
        self.findings_model = FindingsModel(self.form, self)
        self.reconcile_model = ReconcileModel(self.form, self)
        self._pages_made = False

    def _build_form_pages(self) -> None:
        """The 附件2 and 校验与核对 pages, hidden at the first paint, are made right after it:
        their forms are a third of the main panel (about 4 ms of every start)."""
        if self._pages_made:
            return
        self._pages_made = True  # (no second start while these are made)
        try:
            self._make_form_pages()
        except BaseException:
            self._pages_made = False  # asked for again, it fails again with its reason
            raise

    def __getattr__(self, name: str):
        """A widget of those pages asked for before they are made (an action taken in the
        moment between the first paint and the work after it): made now."""
        if name in MADE_WITH_PAGES and self.__dict__.get("_pages_made") is False:
            self._build_form_pages()
            return getattr(self, name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def _make_form_pages(self) -> None:
        margins = self.statistics_page.layout().contentsMargins()  # as on the 附件1 page
        forms = {}
        for name, page in (("cases_page", self.cases_page), ("findings_page", self.findings_page)):
            forms[name] = embed(page, name)
            forms[name].layout().setContentsMargins(margins)
        for attribute, (form, cls, name) in PAGE_WIDGETS.items():
            setattr(self, attribute, child(forms[form], cls, name))
        self._setup_cases()
        self._setup_findings()
        make_title(self.cases_title_label, grow=5)
        self.cases_title_label.setText(self.form.cases_form.title)
        self._enable_editing(not self.statistics_model.read_only)
        self._update_case_count()

    def _setup_cases(self) -> None:
        self.cases_view.setModel(self.case_proxy)
        self.cases_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cases_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.cases_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.cases_view.setSortingEnabled(True)
        self.cases_view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.cases_view.verticalHeader().setDefaultSectionSize(
            self.cases_view.fontMetrics().height() + 8)
        self.cases_view.horizontalHeader().setStretchLastSection(True)
        self.cases_view.selectionModel().currentRowChanged.connect(self._case_selected)
        splitter = self.cases_view.parentWidget()
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        # The editor's module and its widget classes (a combo box, text boxes) are loaded
        # with the page: about 3.5 ms the first paint does without.
        from .case_editor import CaseEditor

        self.case_editor = CaseEditor(self.form)
        self.case_editor.setObjectName("caseEditor")
        self.case_editor.committed.connect(self.save_case)
        self.case_editor.set_sources(self.store.case_sources())
        self.editor_host.layout().addWidget(self.case_editor)
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self._search)
        self.search_edit.textChanged.connect(lambda _: self._search_timer.start())
        self.add_case_button.setToolTip(self.tr("新增一条案件(Ctrl+N)"))
        self.delete_case_action = new_action(self.tr("删除案件"), self.cases_view)
        give_shortcuts([(self.delete_case_action, "StandardKey.Delete")])
        self.delete_case_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_case_action.triggered.connect(self.delete_case)
        self.cases_view.addAction(self.delete_case_action)
        self.add_case_button.clicked.connect(self.add_case)
        self.duplicate_case_button.clicked.connect(self.duplicate_case)
        self.delete_case_button.clicked.connect(self.delete_case)

    def _setup_findings(self) -> None:
        self.findings_view.setModel(self.findings_model)
        self.findings_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.findings_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.findings_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.findings_view.activated.connect(self.jump_to_finding)
        self.findings_view.clicked.connect(self.jump_to_finding)
        self.reconcile_view.setModel(self.reconcile_model)
        self.reconcile_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.Stretch)
        self.reconcile_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.fill_from_cases_button.clicked.connect(self.fill_from_cases)

    @property
    def lock_banner(self) -> QFrame:
        """Above the forms of an exported month: it is locked, and 更正… is the way to change
        it. Made when a month first needs it: most do not, and its style sheet would cost
        every first paint some milliseconds (Qt's style sheet machinery, for the window)."""
        if self._lock_banner is None:
            banner = load_ui("lock_banner", self.work_pane)
            child(banner, QPushButton, "correctButton").clicked.connect(
                lambda: self.menus.correct())
            # Under the header, and under the message bar when there is one.
            self.work_pane.layout().insertWidget(1 + (self._message_bar is not None), banner)
            banner.hide()
            self._lock_banner = banner
        return self._lock_banner

    @property
    def lock_label(self) -> QLabel:
        return child(self.lock_banner, QLabel, "lockLabel")

    @property
    def correct_button(self) -> QPushButton:
        return child(self.lock_banner, QPushButton, "correctButton")

    def _install_shortcuts(self) -> None:
        """Given once the window has painted: see menus.give_shortcuts."""
        give_shortcuts([(self.undo_action, "StandardKey.Undo"),
                        (self.redo_action, "StandardKey.Redo"),
                        (self.add_case_action, "StandardKey.New")])
        self.menus.install_shortcuts()

    def _setup_actions(self) -> None:
        self.undo_action: QAction = self.undo_stack.createUndoAction(self, self.tr("撤销"))
        self.redo_action: QAction = self.undo_stack.createRedoAction(self, self.tr("重做"))
        self.addActions([self.undo_action, self.redo_action])
        self.undo_button.clicked.connect(self.undo_stack.undo)
        self.redo_button.clicked.connect(self.undo_stack.redo)
        self.undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self.undo_button.setEnabled(False)
        self.redo_button.setEnabled(False)
        self.fill_zero_button.clicked.connect(self.statistics_model.fill_blanks_with_zero)

    def _style_titles(self) -> None:
        make_title(self.title_label, grow=5)
        self.title_label.setText(self.form.statistics_form.title)
        self.notes_label.setText(
            "\n".join(self.form.statistics_form.notes_text(provincial_emails(self.store))))

    # ------------------------------------------------------------ receiving

    def apply_role(self, refresh: bool = True) -> None:
        """The pages of what this office does (see core.roles.receiving_role): an office
        fills in its month; a 市(州)版权局 also sees 本市汇总; the province has no month of its
        own to fill in, so its tabs are 报送情况, 全省合计 and 案件汇总 instead."""
        role = receiving_role(self.store.profile())
        if role == self.role:
            return
        self.role = role
        self.menus.apply_role(role)
        self.setAcceptDrops(role != OFFICE_ROLE)
        province = role == PROVINCE_ROLE
        self.navigator_pane.setVisible(not province)
        self.due_label.setVisible(not province)
        self.tabs.blockSignals(True)
        self._office_tabs = [(widget, self.tabs.tabText(self.tabs.indexOf(widget))
                              if self.tabs.indexOf(widget) >= 0 else title)
                             for widget, title in self._office_tabs]  # 校验与核对(n) as shown
        self.tabs.clear()
        if province:
            from .province_pages import CompletenessPage, ProvinceTotalsPage
            from .received_cases_page import ReceivedCasesPage

            if self.status_page is None:
                self.status_page = CompletenessPage(self.store, self.today, self)
                self.totals_page = ProvinceTotalsPage(self.store, self.today, self)
                self.totals_page.exported.connect(lambda path: self.statusBar().showMessage(
                    self.tr("已写出全省汇总表:{path}").format(path=path), 10000))
                self.totals_page.failed.connect(
                    lambda text: self.show_message(self.tr("未能导出全省汇总表:") + text))
                self.register_page = ReceivedCasesPage(self.store, self)
            pages = [(self.status_page, self.tr("报送情况")),
                     (self.totals_page, self.tr("全省合计")),
                     (self.register_page, self.tr("案件汇总"))]
        else:
            pages = list(self._office_tabs)
            if role == CITY_ROLE:
                from .city_page import CityPage

                if self.city_page is None:
                    self.city_page = CityPage(self.store, self)
                pages.append((self.city_page, self.tr("本市汇总")))
        for widget, title in pages:
            self.tabs.addTab(widget, title)
        self._name_statistics_tab(role == CITY_ROLE)
        self.tabs.blockSignals(False)
        if refresh:
            self.refresh_received()
        elif province:
            self.reload_province_pages()  # start-up: the office's month states come later

    def _name_statistics_tab(self, city: bool) -> None:
        """At a 市(州)版权局 the 附件1 tab holds the bureau's own figures, while the 附件1 it
        exports and prints is the city's total (本市汇总): its tab says so."""
        index = self.tabs.indexOf(self.statistics_page)
        if index < 0:
            return
        self.tabs.setTabText(index, self.tr("附件1 本局数字") if city else self._statistics_title)
        self.tabs.setTabToolTip(index, self.tr(
            "本页填写本局自己的数字。导出、打印和报送省局的附件1 是本局与本市公安、网信部门数字的合计,"
            "见“本市汇总”页。") if city else "")

    def show_page(self, name: str) -> None:
        page = {"city": self.city_page, "status": self.status_page,
                "totals": self.totals_page, "register": self.register_page}[name]
        if page is not None and self.tabs.indexOf(page) >= 0:
            self.tabs.setCurrentWidget(page)

    def refresh_received(self) -> None:
        """Show what is stored now (after an import): the city total and the month's state,
        or the province's matrix, totals and register."""
        if self.role == PROVINCE_ROLE:
            self.reload_province_pages()
        elif not self.menus.exporting:  # an export reloads the month itself when done
            self.refresh_month_states()  # resets the list: select the month again
            if self.period:
                self.reload_month(self.period)

    def reload_province_pages(self) -> None:
        self.status_page.reload()
        self.totals_page.reload()
        self.register_page.reload()

    def _tab_changed(self, _index: int) -> None:
        self.show_message("")  # a problem of another page
        if self.tabs.currentWidget() is self.city_page and self.period:
            self.city_page.show_period(self.period)  # own figures may have changed meanwhile

    def dragEnterEvent(self, event) -> None:
        from .received_import import zip_paths

        if self.role != OFFICE_ROLE and zip_paths(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        from .received_import import zip_paths

        paths = zip_paths(event.mimeData())
        if self.role == OFFICE_ROLE or not paths:
            return
        event.acceptProposedAction()
        self.menus.import_bundles(paths)

    # ------------------------------------------------------------ months

    def is_locked(self, period: str) -> bool:
        """A month the store has locked after its export."""
        return self.store.is_locked(period)

    def is_big(self, period: str) -> bool:
        return self.store.case_count(period) > self.background_threshold

    def refresh_month_states(self, showing: str | None = None, after_paint: bool = False) -> None:
        """States of all months in the list, each 检查中 until worked out (a read and a check
        of that month). `showing` is the month about to be shown (default the one shown):
        its own check reports its state, so it is not read twice. `after_paint` (start-up):
        the others are worked out once the window has painted, which they do not need."""
        periods = self.form.periods
        showing = showing or self.period
        self.month_model.set_statuses([MonthStatus(self.form.month(p), CHECKING) for p in periods],
                                      self.today)
        self._departments_to_fill = self.role == CITY_ROLE
        if not self._departments_to_fill:
            self.month_model.set_departments({})
        self._states_to_fill = [p for p in periods if p != showing or p == self.period]
        if not after_paint:
            self._fill_month_states()

    def paintEvent(self, event) -> None:
        # (Not `event`: that would bring every event of the window through Python.)
        super().paintEvent(event)
        if not self._paint_seen:
            self._paint_seen = True
            QTimer.singleShot(0, self._finish_start)  # once this first paint is done

    def showEvent(self, event) -> None:
        super().showEvent(event)
        # Should the window itself get no paint event (its children covering all of it on
        # some platform), the start is not left half done.
        QTimer.singleShot(self.start_fallback_ms, self, self._start_without_paint)

    def _start_without_paint(self) -> None:
        if not self._painted and self.isVisible():
            self._finish_start()

    def show_on_screen(self) -> None:
        """Shown at its size, or maximized where that and its frame do not fit the screen (a
        1024×600 netbook; a 1366×768 laptop leaves about 728 px above the taskbar): its right
        edge and the buttons at its foot would lie off the screen."""
        frame = WINDOW_FRAME
        available = self.screen().availableGeometry()
        if (self.width() + frame[0] > available.width()
                or self.height() + frame[1] > available.height()):
            # Fitted first as well: maximizing is the window manager's to do.
            self.resize(available.width() - frame[0], available.height() - frame[1])
            self.move(available.topLeft())
            self.showMaximized()
        else:
            self.show()

    @property
    def start_pending(self) -> bool:
        """Start-up work the first paint did not wait for: the shown month's check, the
        other months' states, at a city which departments have reported; with a big month,
        its reading and checking on worker threads too."""
        return ((self._paint_seen and not self._painted) or self._check_after_paint
                or bool(self._states_to_fill) or self._departments_to_fill
                or self.loading or self.checking or self._reading_statuses > 0)

    def _finish_start(self) -> None:
        if self._painted:
            return  # done already (the fallback timer of showEvent comes later)
        if not self.isVisible():
            self._paint_seen = False  # hidden (or closed) meanwhile: started when next shown
            return
        # Until here a month read meanwhile (a big one, off the UI thread) left its check
        # to this: it needs the 校验与核对 page, made just below.
        self._painted = True
        self.painted.emit()
        try:
            self._install_shortcuts()
            self._build_form_pages()
            self._read_cases_after_paint()
            if self._check_after_paint:
                self._check_after_paint = False
                self.check_now()
            if self._states_to_fill or self._departments_to_fill:
                self._fill_month_states()
            self.case_editor.build()  # hidden on 附件2 until then: its layout settles unseen
        finally:
            self.started.emit()  # even after an error: what waits for it must not wait forever

    def _read_cases_after_paint(self) -> None:
        period, self._cases_after_paint = self._cases_after_paint, ""
        if period and period == self.period and not self.loading:
            self._set_cases(self.store.load_cases(period))
            self._update_case_count()

    def _fill_month_states(self) -> None:
        from .background import run_in_background

        if self._departments_to_fill:
            self._departments_to_fill = False
            self.month_model.set_departments(department_states(self.store, self.form.periods))
        periods, self._states_to_fill = self._states_to_fill, []
        big = [p for p in periods if self.is_big(p)]
        for period in periods:
            if period not in big:
                self.month_model.update_status(month_status(self.store, period))
        if big:  # months of many thousand cases take seconds to check
            self._reading_statuses += 1

            def done(statuses: list[MonthStatus]) -> None:
                self._reading_statuses -= 1
                for status in statuses:
                    self.month_model.update_status(status)
                self.states_updated.emit()

            def failed(text: str) -> None:
                self._reading_statuses -= 1
                self.show_message(self.tr("读取各月状态时出错:") + text)
                self.states_updated.emit()

            run_in_background(lambda: read_statuses(self.store.path, big), done, failed)

    def select_month(self, period: str) -> None:
        index = self.month_model.index(self.month_model.row_of(period))
        self.month_list.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if self.period != period:  # selecting the row already current emits nothing
            self.show_month(period)

    def show_month(self, period: str) -> None:
        shown = self._loading_period if self.loading else self.period
        if period == shown:
            return  # shown already, or being read (selecting the row also calls this)
        if self._month_put_back:  # a change of month turned down, reported again
            return
        if shown and not self.loading and self.refused_edits_kept():
            # The month's row again, once this change of row is over (it shows nothing new).
            self._month_put_back = True

            def put_back() -> None:
                self._month_put_back = False
                self.select_month(shown)

            QTimer.singleShot(0, self, put_back)
            return
        if shown and (self.loading or self.checking or self._check_after_paint):
            # Left before its own check said its state: the list works it out like the others'.
            self._states_to_fill.append(shown)
            if self._painted and not self._check_after_paint:
                # (with the window as context: a window closed meanwhile, as a restore
                # closes the one it replaces, is not called on)
                QTimer.singleShot(0, self, lambda: self.isVisible() and self._fill_month_states())
        self.commit_open_edits()
        self.undo_stack.clear()
        self.show_message("")
        self._load_generation += 1
        if not self.is_big(period):
            self.loading = False  # a big month still being read is superseded
            self.work_pane.setEnabled(True)
            if self._painted:
                self._show_loaded(self.store.load_month(period))
            else:  # its cases are not shown by the first paint: read right after it
                self._cases_after_paint = period
                self._show_loaded(MonthData(period, self.store.load_grid(period), []))
            return
        generation = self._load_generation
        self.loading = True
        self._loading_period = period
        self.work_pane.setEnabled(False)  # nothing to edit until the month is there
        self.statusBar().showMessage(self.tr("正在读取{month}的 {n} 条案件……").format(
            month=self.form.month(period).label, n=self.store.case_count(period)))
        self._show_preview(period)

        def loaded(month: MonthData) -> None:
            if generation == self._load_generation:
                self.loading = False
                self.work_pane.setEnabled(True)
                self._show_loaded(month)

        def failed(text: str) -> None:
            if generation != self._load_generation:
                return
            # The pane shows a preview of that month: it stays greyed out, nothing to edit.
            self.loading = False
            self.show_message(self.tr("读取数据时出错:") + text)

        from .background import run_in_background

        run_in_background(lambda: read_month(self.store.path, period), loaded, failed)

    def _show_preview(self, period: str) -> None:
        """While a big month is read: its grid and first cases, greyed out and read-only, so
        the register shows its first page at once instead of the month shown before."""
        self.statistics_model.read_only = True
        self.statistics_model.set_grid(self.store.load_grid(period), period)
        self.case_model.set_cases(self.store.load_cases(period, limit=self.preview_rows))
        if self._pages_made:
            self.case_editor.set_case(None)

    def _show_loaded(self, month: MonthData) -> None:
        period = month.period
        self.period = period
        locked = self.is_locked(period)
        self.statistics_model.read_only = locked
        self.statistics_model.set_grid(month.statistics, period)
        self._enable_editing(not locked)
        self._show_grid_hint(not locked)
        self._show_lock(period, locked)
        self._set_cases(month.cases)
        if self._pages_made:  # else the editor is made empty, with the sources of then
            self.case_editor.set_case(None)
            self.case_editor.set_sources(self.store.case_sources())
        definition = self.form.month(period)
        sent = self._sent_text(period, locked)
        # The line of an exported month is the long one: on a narrow screen it wraps rather
        # than widening the panel past the window (更正… and the last column went off it).
        self.due_label.setWordWrap(bool(sent))
        self.due_label.setText(
            self.tr("{month}报表截止日期:{due}({when})").format(
                month=definition.label,
                due=date_text(definition.due),
                when=sent or days_left_text(definition.due, self.today)))
        self.statusBar().showMessage(f"{APP_DISPLAY_NAME} · {self.store.path}")
        self._update_case_count()
        if self._painted:
            self.check_now()
        else:
            self._check_after_paint = True
        if self.role == CITY_ROLE and self.tabs.currentWidget() is self.city_page:
            self.city_page.show_period(period)  # else when its tab is chosen

    def _sent_text(self, period: str, locked: bool) -> str:
        """An exported month's deadline no longer concerns the clerk (the month list drops
        its countdown): when it went out instead. Empty for a month not sent as it stands."""
        export = self.store.current_export(period) if locked else None
        if export is None:
            return ""
        from ..core.china_time import time_text

        return self.tr("第{n}版已于 {time} 导出").format(
            n=export.revision, time=time_text(export.created, seconds=False))

    def _show_grid_hint(self, visible: bool) -> None:
        """“直接输入数字…” is not for a locked month. Hidden, it keeps its space, so the
        buttons stay put (said when hidden: the type QSizePolicy costs a first paint 1.4 ms)."""
        if not visible:
            policy = self.grid_hint.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            self.grid_hint.setSizePolicy(policy)
        self.grid_hint.setVisible(visible)

    def _show_lock(self, period: str, locked: bool) -> None:
        """The banner of an exported month: locked, or 更正中 with the revision to export."""
        export = self.store.export_state(period)
        correcting = export.exported > 0 and not locked
        if not (locked or correcting) and self._lock_banner is None:
            return  # no banner yet, and none needed
        self.lock_banner.setVisible(locked or correcting)
        self.correct_button.setVisible(locked)
        if correcting:
            self.lock_label.setText(self.tr("更正中(原因:{reason})· 改好后请导出第{n}版").format(
                reason=reason_text(export.correction_reason), n=export.next_revision))
        elif locked:
            revision = self.tr("(第{n}版)").format(n=export.exported) if export.exported else ""
            self.lock_label.setText(self.tr(
                "{month}的报表已导出{revision}并锁定,只能查看。需要修改请点“更正…”,写明原因。"
            ).format(month=self.form.month(period).label, revision=revision))

    def reload_month(self, period: str) -> None:
        """Show `period` afresh from the store (after an import, export or 更正); the case
        being looked at stays chosen, when it is still there."""
        case = self.current_case() if self._pages_made and period == self.period else None
        # Text the store refused stays in its field (the reload is no leaving: 导入数据包's
        # window, no dialog, reloads at its end under a clerk typing in the case pane).
        kept = self.case_editor.unsaved_values() if case is not None else {}
        self.commit_open_edits()  # into this month: with the period unset, it is no month
        self.period = ""
        self.select_month(period)
        if case is not None and not self.loading and self._choose_case(case.id) and kept:
            self.case_editor.put_back(kept)

    def show_profile(self) -> None:
        profile = self.store.profile()
        if profile is None:
            self.unit_label.setText(self.tr("尚未设置填报单位信息,请点“设置”。"))
            self.region_label.setText(self.form.statistics_form.region_text(""))
            self.footer_label.setText("")
            return
        self.unit_label.setText(
            self.tr("填报单位:{unit}  填报人:{filler}  联系电话:{phone}").format(
                unit=profile.unit, filler=profile.filler, phone=profile.phone))
        self.region_label.setText(self.form.statistics_form.region_text(profile.region))
        labels = self.form.statistics_form.footer
        self.footer_label.setText("      ".join(
            f"{label}{value}" for label, value in zip(labels, (profile.unit, profile.filler,
                                                               profile.phone))))

    def open_settings(self) -> None:
        from .profile_dialog import SettingsDialog

        dialog = SettingsDialog(self.store, self)
        if dialog.exec():
            self.show_profile()
            self.case_editor.set_sources(self.store.case_sources())
            self.apply_role()  # e.g. set up as 公安局 by mistake, now 版权局

    @property
    def message_bar(self) -> MessageBar:
        """The problem of the last action, between the header and the forms: made when first
        needed (a start shows none; about 1 ms less before the first paint)."""
        if self._message_bar is None:
            from .message_bar import MessageBar

            self._message_bar = MessageBar(self.work_pane)
            self._message_bar.closed.connect(self.statusBar().clearMessage)
            self.work_pane.layout().insertWidget(1, self._message_bar)
        return self._message_bar

    @property
    def message_label(self) -> QLabel:
        return self.message_bar.label

    def show_message(self, text: str) -> None:
        """A refusal or problem the user must read, replacing the one shown before; empty
        text hides the bar. The next accepted edit, month or tab clears it."""
        if not text and self._message_bar is None:
            return  # nothing shown to clear
        shown = self.message_bar.text()
        self.message_bar.set_text(text)
        if text:
            self.statusBar().showMessage(text.split("\n")[0], self.message_timeout)
        elif shown and self.statusBar().currentMessage() == shown.split("\n")[0]:
            self.statusBar().clearMessage()

    # ------------------------------------------------------------ checking

    def schedule_check(self) -> None:
        self.show_message("")
        self._check_timer.start()

    def snapshot(self) -> MonthData:
        by_id = {c.id: c for c in self.case_model.cases()}
        return MonthData(self.period, copy.deepcopy(self.statistics_model.grid()),
                         [by_id[i] for i in self._case_order])

    def check_now(self) -> None:
        """Validate and reconcile the month; big months on a worker thread."""
        from .background import run_in_background

        self._check_timer.stop()
        self._check_generation += 1
        generation, month = self._check_generation, self.snapshot()
        ids = [c.id for c in month.cases]
        form = self.form

        def done(result) -> None:
            if generation == self._check_generation:
                self.checking = False
                self._show_check(month, ids, *result)

        def failed(text: str) -> None:
            if generation == self._check_generation:
                self.checking = False
            self.show_message(self.tr("校验时出错:") + text)

        if len(month.cases) > self.background_threshold:
            self.checking = True
            self.findings_summary.setText(self.tr("正在校验……"))
            run_in_background(lambda: check_month(form, month), done, failed)
        else:
            done(check_month(form, month))

    def _show_check(self, month: MonthData, ids: list[int], findings: list[Finding],
                    differences) -> None:
        from ..core.reconcile import grid_is_empty

        self.findings_model.set_findings(findings, ids)
        per_case: dict[int, list[Finding]] = {}
        for finding in findings:
            case_id = self.findings_model.case_id(finding)
            if case_id is not None:
                per_case.setdefault(case_id, []).append(finding)
        self.case_model.set_problems(per_case)
        errors, warnings = self.findings_model.counts()
        if findings:
            self.findings_summary.setText(
                self.tr("本月有 {e} 个错误、{w} 个提示。点击一条可跳到对应的单元格或案件。").format(
                    e=errors, w=warnings))
        else:
            self.findings_summary.setText(self.tr("本月数据校验通过,没有错误和提示。"))
        # The tab's number counts what the page asks the clerk to look at: the differences
        # between 附件1 and the cases too (with errors and warnings at 0, a correction's
        # case changed and 附件1 not had shown 校验与核对(0) over two differences).
        index = self.tabs.indexOf(self.findings_page)
        self.tabs.setTabText(index, self.tr("校验与核对({n})").format(
            n=errors + warnings + len(differences)))
        self.tabs.setTabToolTip(index, self.tr(
            "{e} 个错误、{w} 个提示;附件1 与附件2 各案件的合计有 {d} 处不同").format(
            e=errors, w=warnings, d=len(differences)))
        self.reconcile_model.set_differences(differences)
        empty = grid_is_empty(month.statistics)
        if not month.cases:
            text = self.tr("本月附件2 没有案件,无需与附件1 核对。")
        elif not differences:
            text = self.tr("附件1 与附件2 各案件的合计一致。")
        else:
            text = self.tr("附件1 与附件2 各案件的合计有 {n} 处不同(附件1 可能还包括未列入附件2 的案件,"
                           "请核对):").format(n=len(differences))
        self.reconcile_label.setText(text)
        self.fill_from_cases_button.setEnabled(empty and bool(month.cases))
        self.month_model.update_status(
            month_status(self.store, self.period, month=month, findings=findings))
        self.findings_updated.emit()

    def jump_to_finding(self, index: QModelIndex) -> None:
        finding: Finding = index.data(FindingRole)
        if finding is None:
            return
        if finding.section == "statistics" and finding.category:
            self.tabs.setCurrentWidget(self.statistics_page)
            target = self.statistics_model.index_of(finding.category,
                                                    finding.measure or self.form.measure_keys[0])
            self.statistics_view.setCurrentIndex(target)
            self.statistics_view.setFocus()
        elif finding.section == "case":
            case_id = self.findings_model.case_id(finding)
            if case_id is not None and self.select_case(case_id):
                self._go_to_case_field(finding.field or "")
        elif finding.section == "profile":
            self.open_settings()

    def _go_to_case_field(self, key: str) -> None:
        """The 附件2 page, the cursor in the case pane's field `key` (when it has one)."""
        widget = self.case_editor.fields.get(key)
        if widget is None:
            return
        self.tabs.setCurrentWidget(self.cases_page)
        widget.setFocus()
        # 案情简介 and below lie under the fold of the pane, and of the panel on a laptop
        # screen: both scroll to its cursor once laid out for this case.
        QTimer.singleShot(0, widget, lambda: self._scroll_to(widget))

    def _scroll_to(self, widget: QWidget) -> None:
        self.editor_scroll.ensureWidgetVisible(widget)
        self.centralWidget().ensureWidgetVisible(widget)

    def fill_from_cases(self) -> None:
        from ..core.reconcile import grid_is_empty

        month = self.snapshot()
        if not grid_is_empty(month.statistics):
            self.show_message(self.tr("附件1 已有数字,不能整表替换;请按上面列出的差异逐格核对修改。"))
            return
        implied = grid_from_cases(self.form, month.cases)
        self.statistics_model.change_cells(
            {(c, k): v for c, row in implied.items() for k, v in row.items()},
            self.tr("按案件汇总填入"))
        self.tabs.setCurrentWidget(self.statistics_page)

    # ------------------------------------------------------------ cases

    def _enable_editing(self, enabled: bool) -> None:
        self.fill_zero_button.setEnabled(enabled)
        if self._pages_made:  # else as they are made
            for widget in (self.add_case_button, self.duplicate_case_button,
                           self.delete_case_button, self.editor_host):
                widget.setEnabled(enabled)

    def _set_cases(self, cases: list[CaseRecord]) -> None:
        """The month's cases, in the order of the printed form."""
        self.case_model.set_cases(cases)
        self._case_order = [c.id for c in cases]

    def _update_case_count(self) -> None:
        if not self._pages_made:
            return  # said as the page is made
        self.cases_count_label.setText(self.tr("本月共 {n} 条案件").format(n=self.case_model.rowCount()))

    def current_case(self) -> CaseRecord | None:
        index = self.cases_view.currentIndex()
        if not index.isValid():
            return None
        return self.case_model.case_at(self.case_proxy.mapToSource(index).row())

    def _case_selected(self, current: QModelIndex, _previous: QModelIndex) -> None:
        case = (self.case_model.case_at(self.case_proxy.mapToSource(current).row())
                if current.isValid() else None)  # (none: a search hides every case)
        if case is not None and self._back_to_case == case.id:  # put back (refused_edits_kept)
            self._back_to_case = None
            return
        shown = self.case_editor.case()
        if (shown is not None and (case is None or case.id != shown.id)
                and self.refused_edits_kept()):
            # Back to the case being put right once this change of row is over (a search
            # that hides it gives way: _choose_case).
            self._back_to_case = shown.id
            QTimer.singleShot(0, self, lambda: self._choose_case(shown.id))
            return
        if case is None:
            self.case_editor.set_case(None)
            return
        self.case_editor.set_case(case, self._case_order.index(case.id))

    def _search(self) -> None:
        """Show the cases the search box finds. One that would hide the case with text the
        store refused asks first, before the list changes (a question asked from within
        the list's change of rows would let a check ending meanwhile change them under it);
        going back clears the search."""
        text = self.search_edit.text()
        shown = self.case_editor.case()
        row = self.case_model.row_of(shown.id) if shown is not None else None
        if (row is not None and self.case_proxy.would_hide(row, text)
                and self.refused_edits_kept()):
            self.search_edit.clear()  # (which searches again, for everything, in a moment)
            text = ""
        self.case_proxy.set_search(text)

    def select_case(self, case_id: int) -> bool:
        self.tabs.setCurrentWidget(self.cases_page)
        return self._choose_case(case_id)

    def _choose_case(self, case_id: int) -> bool:
        """Choose the case's row; True when the pane shows it (not when the clerk went back
        to text the store refused in the case shown, or there is no such case)."""
        row = self.case_model.row_of(case_id)
        if row is None:
            return False
        proxy_index = self.case_proxy.mapFromSource(self.case_model.index(row, 0))
        if not proxy_index.isValid():  # hidden by the search: show everything
            self.search_edit.clear()
            self.case_proxy.set_search("")
            proxy_index = self.case_proxy.mapFromSource(self.case_model.index(row, 0))
        self.cases_view.setCurrentIndex(proxy_index)
        self.cases_view.scrollTo(proxy_index)
        shown = self.case_editor.case()
        return shown is not None and shown.id == case_id

    def save_case(self, case: CaseRecord) -> None:
        try:
            self.store.update_case(self.period, case)
        except UserError as e:
            part, refused = self._storable_part(case)
            if part is None:
                message = str(e)
            elif e.details:  # (the store's heading, 案件信息有误,未保存, said it of the whole case)
                message = "\n".join([self.tr("以下内容没有保存,请改正;本案其他内容已保存:"),
                                     *(f"  - {d}" for d in e.details)])
            else:
                message = str(e) + "\n" + self.tr("以上没有保存,请改正;本案其他内容已保存。")
            self.case_editor.refused(message, fields=refused,
                                     reason="\n".join(e.details) or e.message)
            self.show_message(message)
            if part is None:
                return
            case = part
        self.case_model.replace(case)
        self.case_editor.accepted(case)
        self.schedule_check()

    def _storable_part(self, case: CaseRecord) -> tuple[CaseRecord | None, list[str]]:
        """A refused case's fields that could be stored, each with the rest as stored: what
        the clerk goes on to type after a refused number or text is kept, as a bad figure's
        neighbours are (the pane still shows the refused field, to be put right); None when
        there is nothing more to store. And the fields refused, for the pane to mark."""
        stored = self.case_editor.case()
        if stored is None or stored.id != case.id:
            return None, []
        part = stored.copy()
        refused = []
        for key in (*CASE_TEXT_FIELDS, "category", "measures"):
            trial = stored.copy()
            setattr(trial, key, getattr(case, key))
            if trial == stored:
                continue
            try:
                self.store.check_case(self.period, trial)
            except UserError:
                refused.append(key)
                continue
            setattr(part, key, getattr(case, key))
        if part == stored:
            return None, refused
        try:
            self.store.update_case(self.period, part)
        except UserError:
            return None, refused
        return part, refused

    def _add(self, case: CaseRecord) -> None:
        if self.refused_edits_kept():  # (it hands on what is typed first)
            return  # nothing added under text the clerk goes back to
        try:
            stored = self.store.add_case(self.period, case)
        except UserError as e:
            self.show_message(str(e))
            return
        self.case_model.append(stored)
        self._case_order.append(stored.id)
        self._update_case_count()
        self.select_case(stored.id)
        self.case_editor.fields["name"].setFocus()
        self.schedule_check()

    def add_case(self) -> None:
        if not (self.work_pane.isEnabled() and self.add_case_button.isEnabled()):
            return  # a month still being read, or locked
        self.tabs.setCurrentWidget(self.cases_page)
        profile = self.store.profile()
        self._add(CaseRecord(handling_unit=profile.unit if profile else ""))

    def duplicate_case(self) -> None:
        self.case_editor.flush()
        case = self.current_case()
        if case is None:
            self.show_message(self.tr("请先在列表中选中要复制的案件。"))
            return
        self._add(case.copy(number="", id=None))

    def delete_case(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        if not self.delete_case_button.isEnabled():
            return
        self.case_editor.flush()
        case = self.current_case()
        if case is None:
            self.show_message(self.tr("请先在列表中选中要删除的案件。"))
            return
        answer = QMessageBox.question(
            self, self.tr("删除案件"),
            self.tr("确定删除编号 {number}“{name}”吗?删除后不能撤销,只能从之前的备份找回整个数据库"
                    "(工具 → 备份与恢复…,备份以后的其他改动会一并退回)。").format(
                number=case.number, name=case.name or self.tr("(未命名)")),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.case_editor.set_case(None)
        self.store.delete_case(self.period, case.id)
        self.case_model.remove(case.id)
        self._case_order.remove(case.id)
        self._update_case_count()
        self.schedule_check()

    # ------------------------------------------------------------ closing

    def commit_open_edits(self) -> None:
        """Store what is typed but not yet entered: a 附件1 cell editor still open (no Enter
        pressed) and the case field being edited, before the month changes or the window
        closes."""
        view = self.statistics_view
        editor = view.indexWidget(view.currentIndex())
        if editor is not None and view.state() == QAbstractItemView.State.EditingState:
            view.commitData(editor)
            view.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if self._pages_made:
            self.case_editor.flush()

    def refused_edits_kept(self, after: str = "") -> bool:
        """Asked before the case pane shows another case or month, or the window closes, once
        what is typed has been handed on: a field the store refused (a 编号 another case
        has, a 案情简介 longer than the form allows) is only in the pane, and would go. True
        when the clerk goes back to put it right: the caller then stays where it is. `after`
        says what would take the text away, when it is not leaving (an export, an import).
        Let go, the pane shows the case as stored."""
        if not self._pages_made:
            return False
        editor = self.case_editor
        editor.flush()
        unsaved = editor.unsaved()
        case = editor.case()
        if not unsaved or case is None:
            return False
        from ..core.validation import field_label

        where = self.tr("附件2 第%1条").replace(
            "%1", str(self._case_order.index(case.id) + 1) if case.id in self._case_order else "")
        if case.number:
            where += self.tr("(编号 %1)").replace("%1", case.number)
        fields = "、".join(field_label(self.form, key) for key, _ in unsaved)
        reasons = "\n".join(dict.fromkeys(reason for _, reason in unsaved))
        text = self.tr("%1的%2没有保存:\n%3\n\n这些内容只在窗口里,%4").replace(
            "%1", where).replace("%2", fields).replace("%3", reasons).replace(
            "%4", after or self.tr("离开后就没有了。"))
        if self.ask_to_drop_unsaved(text):
            editor.drop_unsaved()
            return False
        self._go_to_case_field(unsaved[0][0])
        return True

    def ask_to_drop_unsaved(self, text: str) -> bool:
        """True when the clerk lets go of what the store refused."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Warning, APP_DISPLAY_NAME, text,
                          QMessageBox.StandardButton.NoButton, self)
        back = box.addButton(self.tr("返回修改"), QMessageBox.ButtonRole.RejectRole)
        drop = box.addButton(self.tr("放弃这些内容"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.exec()
        return box.clickedButton() is drop

    def busy_text(self) -> str:
        """Why the database cannot be closed under the window now (a worker thread reads,
        checks, exports or imports; 导入数据包 is open), or ""."""
        from .background import busy

        if self.menus.exporting:
            return self.tr("正在导出签名数据包,请等导出完成后再试。")
        if self.loading or self.checking or self._reading_statuses or busy():
            return self.tr("正在后台读取、校验、导入或导出数据,请等它完成后再试。")
        imports = self.menus.import_dialog
        if imports is not None and imports.isVisible():  # a window of its own, closed with this
            return self.tr("“导入数据包”窗口还开着,请先关闭它再恢复。")
        return ""

    def closeEvent(self, event) -> None:
        if self.menus.exporting:  # the bundle is being signed and recorded: let it finish
            self.show_message(self.tr("正在导出签名数据包,请等导出完成后再关闭。"))
            event.ignore()
            return
        if not self.replaced:  # (a replaced window's edits went in before its store closed)
            self.commit_open_edits()  # a cell or field still being typed in is stored too
            if self.refused_edits_kept():
                event.ignore()
                return
        self._check_timer.stop()
        self._check_generation += 1  # a check or load still running reports to nobody
        self._load_generation += 1
        super().closeEvent(event)
