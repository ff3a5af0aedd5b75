"""The 邮件报送 dialog, driven with real widgets offscreen."""

from email import policy
from email.parser import BytesParser

from PySide6.QtCore import Qt

from jianwang_desktop.core.domain import Profile
from jianwang_desktop.core.recipients import find_recipient
from jianwang_desktop.core.store import Store
from jianwang_desktop.gui.mail_dialog import MailDialog, RoutesModel
from bundle_fixture import write_test_bundle
from sample_data import sample_month
from test_recipients import addr

POLICE = Profile("绵阳市", "公安局", "绵阳市公安局", "李四", "13812345678")


class Opener:
    def __init__(self, result: bool = True):
        self.urls, self.result = [], result

    def __call__(self, url):
        self.urls.append(url.toLocalFile())
        return self.result


def police_dialog(qtbot, tmp_path, opener):
    store = Store(tmp_path / "police.db")
    store.set_profile(POLICE)
    dialog = MailDialog(store, "2015-08", opener=opener)
    qtbot.addWidget(dialog)
    return store, dialog


def test_the_dialog_asks_for_missing_addresses_then_writes_and_opens_drafts(qtbot, tmp_path):
    opener = Opener()
    store, dialog = police_dialog(qtbot, tmp_path, opener)
    model = dialog.model
    assert model.rowCount() == 2
    rows = {model.index(r, RoutesModel.RECIPIENT).data(): r for r in range(2)}
    assert set(rows) == {"省公安厅网安总队", "绵阳市版权局"}
    assert model.index(rows["绵阳市版权局"], RoutesModel.ADDRESS).data() == "未设置"
    assert model.index(rows["绵阳市版权局"], RoutesModel.CONTENTS).data() == "附件1 工作情况统计表"
    assert model.index(rows["省公安厅网安总队"], RoutesModel.DUE).data() == "2015年8月30日"

    bundle = write_test_bundle(tmp_path, store.form, POLICE, sample_month(store.form))
    dialog.bundle_edit.setText(str(bundle))
    dialog.out_edit.setText(str(tmp_path / "drafts"))
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert "邮箱地址还没有设置:请在“收件人邮箱”页填写。" in dialog.status_label.text()
    assert "jianwang" not in dialog.status_label.text()  # no command to type in the window
    assert "请先填写:省公安厅网安总队、绵阳市版权局" in dialog.recipients_status.text()
    assert dialog.tabs.currentIndex() == 1 and not (tmp_path / "drafts").exists()

    # One bad address: nothing is saved, not even the good one.
    qtbot.keyClicks(dialog.address_edits["police"], addr("wangan", "example.gov.cn"))
    qtbot.keyClicks(dialog.address_edits["local_copyright"], "mybqj at 163")
    qtbot.mouseClick(dialog.save_recipients_button, Qt.MouseButton.LeftButton)
    assert "未保存" in dialog.recipients_status.text()
    assert find_recipient(store, "police").missing

    dialog.address_edits["local_copyright"].clear()
    qtbot.keyClicks(dialog.address_edits["local_copyright"], addr("mybqj", "163.com"))
    qtbot.mouseClick(dialog.save_recipients_button, Qt.MouseButton.LeftButton)
    assert "已保存 2 个邮箱" in dialog.recipients_status.text()
    assert find_recipient(store, "绵阳市版权局").email == addr("mybqj", "163.com")
    assert model.index(rows["绵阳市版权局"], RoutesModel.ADDRESS).data() == addr("mybqj", "163.com")

    assert not dialog.open_button.isEnabled()
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert "已生成 2 封邮件草稿" in dialog.status_label.text()
    drafts = sorted((tmp_path / "drafts").glob("*.eml"))
    assert len(drafts) == 2
    assert {model.index(r, RoutesModel.DRAFT).data() for r in range(2)} == {p.name for p in drafts}

    dialog.routes_view.selectRow(rows["绵阳市版权局"])
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    opened = BytesParser(policy=policy.default).parsebytes(open(opener.urls[-1], "rb").read())
    assert opened["To"].addresses[0].display_name == "绵阳市版权局"
    qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)
    assert opener.urls[-1] == str(tmp_path / "drafts")
    store.close()


def test_without_a_mail_client_the_folder_is_shown(qtbot, tmp_path):
    opener = Opener(result=False)
    store, dialog = police_dialog(qtbot, tmp_path, opener)
    qtbot.keyClicks(dialog.address_edits["police"], addr("wangan", "example.gov.cn"))
    qtbot.keyClicks(dialog.address_edits["local_copyright"], addr("mybqj", "163.com"))
    qtbot.mouseClick(dialog.save_recipients_button, Qt.MouseButton.LeftButton)
    dialog.bundle_edit.setText(str(write_test_bundle(tmp_path, store.form, POLICE,
                                                     sample_month(store.form))))
    dialog.out_edit.setText(str(tmp_path / "out"))
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert opener.urls[-1] == str(tmp_path / "out")
    assert "没有可以打开 .eml" in dialog.status_label.text()
    store.close()


def test_no_bundle_is_explained(qtbot, tmp_path):
    store, dialog = police_dialog(qtbot, tmp_path, Opener())
    dialog.out_edit.setText(str(tmp_path / "out"))
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    text = dialog.status_label.text()
    assert "还没有导出的数据包" in text and "菜单“报表 → 导出签名数据包…”" in text
    assert "jianwang" not in text
    store.close()


def test_a_month_under_correction_asks_for_its_next_revision(qtbot, tmp_path):
    from jianwang_desktop.core.bundle import export_month
    from jianwang_desktop.core.recipients import set_recipient_email

    store = Store(tmp_path / "police.db")
    store.set_profile(POLICE)
    for key in ("police", "local_copyright"):
        set_recipient_email(store, find_recipient(store, key).name, addr(key, "163.com"))
    store.replace_month(sample_month(store.form))
    export_month(store, "2015-08", tmp_path)
    store.start_correction("2015-08", "补录案件")
    dialog = MailDialog(store, "2015-08", opener=Opener())
    qtbot.addWidget(dialog)
    assert dialog.bundle_edit.text() == ""  # the 第1版 no longer stands for the data
    dialog.out_edit.setText(str(tmp_path / "out"))
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    text = dialog.status_label.text()
    assert "2015年8月正在更正,请导出第2版后再生成邮件草稿" in text and "尚未导出" not in text
    assert not (tmp_path / "out").exists()
    store.close()


def test_screenshot_renders(qtbot, tmp_path):
    store, dialog = police_dialog(qtbot, tmp_path, Opener())
    dialog.show()
    qtbot.waitExposed(dialog)
    image = dialog.grab().toImage()
    assert not image.isNull() and (image.width(), image.height()) == (dialog.width(), dialog.height())
    store.close()


def test_a_damaged_bundle_is_explained_in_the_dialog(qtbot, tmp_path):
    from test_verify import corrupt_member

    store, dialog = police_dialog(qtbot, tmp_path, Opener())
    qtbot.keyClicks(dialog.address_edits["police"], addr("wangan", "example.gov.cn"))
    qtbot.keyClicks(dialog.address_edits["local_copyright"], addr("mybqj", "163.com"))
    qtbot.mouseClick(dialog.save_recipients_button, Qt.MouseButton.LeftButton)
    bundle = write_test_bundle(tmp_path, store.form, POLICE, sample_month(store.form))
    bundle.write_bytes(corrupt_member(bundle.read_bytes(), "data.json"))
    dialog.bundle_edit.setText(str(bundle))
    dialog.out_edit.setText(str(tmp_path / "out"))
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert "未通过核验" in dialog.status_label.text()
    assert "已损坏" in dialog.status_label.text()
    assert not dialog.open_button.isEnabled() and not (tmp_path / "out").exists()
    store.close()


def test_addresses_typed_are_saved_by_enter_and_used_by_make(qtbot, tmp_path):
    """The clerk types an address and presses Enter, or goes straight back to 邮件草稿 and
    makes the drafts: the address shown is the one used, not refused as 还没有设置 (and
    lost when the dialog closed)."""
    store, dialog = police_dialog(qtbot, tmp_path, Opener())
    police = dialog.address_edits["police"]
    qtbot.keyClicks(police, addr("wangan", "example.gov.cn"))
    qtbot.keyClick(police, Qt.Key.Key_Return)
    assert find_recipient(store, "police").email == addr("wangan", "example.gov.cn")
    assert "已保存 1 个邮箱" in dialog.recipients_status.text()

    qtbot.keyClicks(dialog.address_edits["local_copyright"], addr("mybqj", "163.com"))
    dialog.tabs.setCurrentIndex(0)
    dialog.bundle_edit.setText(str(write_test_bundle(tmp_path, store.form, POLICE,
                                                     sample_month(store.form))))
    dialog.out_edit.setText(str(tmp_path / "drafts"))
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert "已生成 2 封邮件草稿" in dialog.status_label.text()
    assert find_recipient(store, "local_copyright").email == addr("mybqj", "163.com")

    dialog.address_edits["local_copyright"].setText("mybqj at 163")  # not an address
    qtbot.mouseClick(dialog.make_button, Qt.MouseButton.LeftButton)
    assert "未生成邮件草稿" in dialog.status_label.text()
    assert "未保存" in dialog.recipients_status.text() and dialog.tabs.currentIndex() == 1
    assert find_recipient(store, "local_copyright").email == addr("mybqj", "163.com")
    store.close()


def test_the_dialog_fits_a_small_screen_with_its_frame(qtbot, tmp_path):
    """Opened at 900×560 it ran past a 1024×600 netbook's taskbar, hiding 关闭 (the test
    screen, 800×800, is narrower than 900)."""
    store, dialog = police_dialog(qtbot, tmp_path, Opener())
    area = dialog.screen().availableGeometry()
    assert area.width() < 900 + 16  # the case this test is about
    assert dialog.width() + 16 <= area.width() and dialog.height() + 48 <= area.height()
    store.close()
