"""User-visible text outside widgets still goes through Qt's translation functions."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator

from jianwang_desktop.core.errors import UserError
from jianwang_desktop.gui.db_lock import acquire_db_lock
from jianwang_desktop.gui.findings_model import CHECKING, MonthListModel
from jianwang_desktop.gui.key_dialogs import key_sheet_html


class MarkingTranslator(QTranslator):
    """Marks every text it is asked for, so a test sees which ones went through tr."""

    def __init__(self):
        super().__init__()
        self.asked: list[tuple[str, str]] = []

    def isEmpty(self) -> bool:
        return False

    def translate(self, context, source, disambiguation=None, n=-1):
        self.asked.append((context, source))
        return f"«{source}»"


@pytest.fixture
def marking(qapp):
    translator = MarkingTranslator()
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


def test_the_database_lock_message_is_translated(marking, tmp_path):
    db = tmp_path / "a.db"
    held = acquire_db_lock(db)
    try:
        with pytest.raises(UserError) as e:
            acquire_db_lock(db)
    finally:
        held.unlock()
    assert str(e.value).startswith(f"«数据库 {db} 已在另一个剑网填报窗口中打开")
    assert e.value.details[0].startswith("«请切换到已打开的窗口")


def test_the_key_sheet_and_the_checking_state_are_translated(marking, store):
    class Key:
        fingerprint, base64 = "0123456789abcdef", "QUJD"

    sheet = key_sheet_html("绵阳市版权局", Key(), date(2015, 8, 1))
    assert "«剑网填报 签名公钥»" in sheet and "«填报单位(盖章):»" in sheet
    model = MonthListModel()
    assert model.state_text(CHECKING) == "«检查中»"
    assert model.state_text("已校验") == "已校验"  # the core's states are Chinese already
