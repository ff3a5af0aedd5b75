"""Printing 附件1 / 附件2 to PDF: read back with poppler (pdftotext, pdftoppm) and zbarimg."""

import os
import re
import subprocess
import sys
from datetime import date

import pytest
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QColor, QImage, QPainter

from jianwang_desktop.core.errors import UserError
from jianwang_desktop.core.money import format_amount
from jianwang_desktop.core.records import totals_row
from jianwang_desktop.gui.printing import PrintStamp, print_source, write_pdf
from jianwang_desktop.gui.seal import (SEAL_SETTING, check_seal_image, clear_seal, seal_image,
                                       set_seal)

from conftest import ROOT
from sample_data import sample_month

STAMP = PrintStamp("3f9a0c1b2d4e5f60", "SHA256:7c1e44a09b2d3f58", 2)
RARE_NAME = "𠮷祥音乐网站侵权案"


def pdf_pages(path, mode: str = "-layout") -> list[str]:
    """The text of each page: as laid out, or (-raw) in the order it was drawn."""
    result = subprocess.run(["pdftotext", mode, str(path), "-"], capture_output=True, check=True)
    assert result.stderr == b"", result.stderr  # poppler reads the file without complaint
    text = result.stdout.decode("utf-8")
    return text.split("\f")[:-1]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_sizes(path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(path)], capture_output=True,
                          check=True).stdout.decode()
    return [(float(w), float(h)) for w, h in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", info)]


def render_page(path, page: int, tmp_path, dpi: int = 200):
    prefix = tmp_path / f"page{page}"
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png",
                    "-singlefile", str(path), str(prefix)], check=True)
    return prefix.with_suffix(".png")


def qr_codes(png) -> list[str]:
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(png)], capture_output=True)
    return result.stdout.decode("utf-8").split()


def month_in_store(store, cases: int = 3):
    month = sample_month(store.form, cases=cases)
    month.cases[0].name = RARE_NAME
    store.replace_month(month)
    return month


def test_statistics_form_reads_like_the_notice(qapp, store, tmp_path):
    month = month_in_store(store)
    pdf = tmp_path / "form1.pdf"
    assert write_pdf(print_source(store, "2015-08", printed_on=date(2015, 8, 28)), 1, pdf) == 1
    [(width, height)] = page_sizes(pdf)
    assert width < height  # upright A4
    [page] = pdf_pages(pdf)
    form = store.form
    flat = squeeze(page)
    for words in ["附件1", form.statistics_form.title, "地区:绵阳市", "填报月份:2015年8月",
                  form.category_heading, "行政结案数", "移送司法机关", "罚款金额", "涉案金额",
                  *form.categories, form.total_label, "填报单位(盖章):绵阳市版权局",
                  "填报人:张三", "联系电话:0816-2345678", "填报日期:2015年8月28日",
                  "第1页共1页", "草稿"]:
        assert squeeze(words) in flat, words
    for note in form.statistics_form.notes_text():
        assert squeeze(note) in flat
    # The 合计 row holds the exact totals of the grid, on the line that starts with 合计.
    totals = totals_row(form, month.statistics)
    total_line = next(line for line in page.splitlines() if line.strip().startswith("合计"))
    for key in form.measure_keys:
        value = totals[key]
        assert (format_amount(value) if key in ("fine", "involved") else str(value)) \
            in total_line.split()


def test_cases_form_with_200_cases_repeats_header_and_numbers_pages(qapp, store, tmp_path):
    month = sample_month(store.form, cases=200)
    month.cases[0].name = RARE_NAME
    # Far longer than a page, in characters that occur nowhere else on the form.
    long_summary = "".join(chr(c) for c in range(0x9C00, 0x9FA6)) * 2
    month.cases[5].summary = long_summary
    store.replace_month(month)
    pdf = tmp_path / "form2.pdf"
    pages_written = write_pdf(print_source(store, "2015-08"), 2, pdf)
    pages = pdf_pages(pdf)
    assert len(pages) == pages_written > 10
    assert all(w > h for w, h in page_sizes(pdf))  # landscape A4
    headings = [c.heading for c in store.form.case_columns]
    for number, page in enumerate(pages, start=1):
        flat = squeeze(page)
        assert all(h in flat for h in headings), f"header missing on page {number}"
        assert f"第{number}页共{len(pages)}页" in flat
    whole = squeeze("".join(pages))
    assert store.form.cases_form.title in squeeze(pages[0])
    assert RARE_NAME in whole
    for case in month.cases:
        assert case.number in whole
    # The long 案情简介 is broken between lines: every character printed, in order, once.
    in_drawing_order = "".join(pdf_pages(pdf, "-raw"))
    assert "".join(c for c in in_drawing_order if c in set(long_summary)) == long_summary
    assert f"{month.cases[5].number}(续)" in squeeze(in_drawing_order)  # whose row goes on
    for note in store.form.cases_form.notes_text():
        assert squeeze(note) in squeeze(pages[-1])


def test_a_month_without_cases_says_so(qapp, store, tmp_path):
    store.set_cell("2015-08", "文学", "filed", 1)
    pdf = tmp_path / "empty.pdf"
    write_pdf(print_source(store, "2015-08"), 2, pdf)
    assert "本月无查处案件" in squeeze(pdf_pages(pdf)[0])


def test_exported_month_carries_fingerprints_and_a_qr_code(qapp, store, tmp_path):
    month_in_store(store, cases=40)
    pdf = tmp_path / "stamped.pdf"
    pages = write_pdf(print_source(store, "2015-08", stamp=STAMP), None, pdf)
    texts = pdf_pages(pdf)
    assert len(texts) == pages >= 3
    sizes = page_sizes(pdf)
    assert sizes[0][0] < sizes[0][1] and sizes[1][0] > sizes[1][1]  # 附件1 upright, 附件2 across
    for text in texts:
        flat = squeeze(text)
        assert STAMP.bundle_fingerprint in flat and STAMP.key_fingerprint in flat
        assert "第2版" in flat and "次导出" not in flat  # the version, named as everywhere
        assert "草稿" not in flat
    assert STAMP.qr_payload == "jianwang:3f9a0c1b2d4e5f60:SHA256:7c1e44a09b2d3f58"
    for page in (1, 2):
        assert qr_codes(render_page(pdf, page, tmp_path)) == [STAMP.qr_payload]


def test_draft_has_no_qr_code(qapp, store, tmp_path):
    month_in_store(store)
    pdf = tmp_path / "draft.pdf"
    write_pdf(print_source(store, "2015-08"), None, pdf)
    for number, text in enumerate(pdf_pages(pdf), start=1):
        assert "草稿" in text
        assert qr_codes(render_page(pdf, number, tmp_path)) == []


def seal_png(colour=QColor(220, 0, 0)) -> bytes:
    image = QImage(200, 200, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setBrush(colour)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawEllipse(10, 10, 180, 180)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def red_pixels(png) -> int:
    image = QImage(str(png))
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            count += c.red() > 180 and c.green() < 80 and c.blue() < 80
    return count


def test_seal_is_printed_over_the_unit_name(qapp, store, tmp_path):
    month_in_store(store)
    plain, sealed = tmp_path / "plain.pdf", tmp_path / "sealed.pdf"
    write_pdf(print_source(store, "2015-08", stamp=STAMP), 1, plain)
    set_seal(store, seal_png())
    assert seal_image(store).hasAlphaChannel()
    write_pdf(print_source(store, "2015-08", stamp=STAMP), 1, sealed)
    assert red_pixels(render_page(plain, 1, tmp_path, dpi=40)) == 0
    assert red_pixels(render_page(sealed, 1, tmp_path, dpi=40)) > 50
    assert "绵阳市版权局" in squeeze(pdf_pages(sealed)[0])  # still readable under the seal
    # A draft is not for filing: no seal on it, even when one is set.
    draft_sealed, draft_plain = tmp_path / "draft-sealed.pdf", tmp_path / "draft-plain.pdf"
    write_pdf(print_source(store, "2015-08"), 1, draft_sealed)
    clear_seal(store)
    write_pdf(print_source(store, "2015-08"), 1, draft_plain)
    assert red_pixels(render_page(draft_sealed, 1, tmp_path, dpi=40)) == \
        red_pixels(render_page(draft_plain, 1, tmp_path, dpi=40))


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n broken"])
def test_a_seal_that_is_not_an_image_is_refused_and_nothing_changes(qapp, store, data):
    set_seal(store, seal_png())
    before = store.setting(SEAL_SETTING)
    with pytest.raises(UserError) as raised:
        set_seal(store, data)
    assert re.search(r"[\u4e00-\u9fff]", str(raised.value))
    assert store.setting(SEAL_SETTING) == before
    with pytest.raises(UserError):
        check_seal_image(data)


def headless_cli(*args, db):
    env = {k: v for k, v in os.environ.items()
           if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "jianwang_desktop", "--db", str(db), *args],
                          capture_output=True, env=env, cwd=ROOT, timeout=120)


def test_print_command_works_without_a_display(store, db_path, tmp_path):
    month_in_store(store)
    store.close()
    pdf = tmp_path / "out.pdf"
    result = headless_cli("print", "--month", "2015-08", "--pdf", str(pdf), "--form", "2",
                          db=db_path)
    assert result.returncode == 0, result.stderr.decode()
    assert "草稿" in result.stdout.decode()
    assert RARE_NAME in squeeze(pdf_pages(pdf)[0])

    result = headless_cli("print", "--month", "2015-08", "--pdf", str(pdf), "--form", "3",
                          db=db_path)
    assert result.returncode == 2 and "没有附件3" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_seal_command_refuses_a_text_file(qapp, store, db_path, tmp_path):
    store.close()
    bogus = tmp_path / "seal.png"
    bogus.write_text("这不是图片", encoding="utf-8")
    result = headless_cli("seal", str(bogus), db=db_path)
    assert result.returncode == 2 and "不是可以读取的图片" in result.stderr.decode()
    good = tmp_path / "good.png"
    good.write_bytes(seal_png())
    assert headless_cli("seal", str(good), db=db_path).returncode == 0
    from jianwang_desktop.core.store import Store

    with Store(db_path) as reopened:
        assert reopened.setting(SEAL_SETTING)


def test_print_preview_shows_the_pages(qtbot, store):
    from PySide6.QtPrintSupport import QPrintPreviewWidget

    from jianwang_desktop.gui.printing import print_preview_dialog

    month_in_store(store, cases=40)
    dialog = print_preview_dialog(None, store, "2015-08", 2)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.paintRequested, timeout=10000):
        dialog.show()
    preview = dialog.findChild(QPrintPreviewWidget)
    qtbot.waitUntil(lambda: preview.pageCount() > 0)
    pdf_pages_expected = write_pdf(print_source(store, "2015-08"), 2, store.path.with_suffix(".pdf"))
    assert preview.pageCount() == pdf_pages_expected > 1
    assert "附件2" in dialog.windowTitle() and "2015年8月" in dialog.windowTitle()
    with pytest.raises(UserError):  # a printer cannot turn the page between the two forms
        print_preview_dialog(None, store, "2015-08", None)


def test_text_repair_leaves_a_file_it_does_not_understand_alone():
    from jianwang_desktop.gui.pdf_text import DrawnText, repair_pdf_text

    for data in (b"", b"%PDF-1.4\nnot really\n", b"startxref\n99999\n%%EOF"):
        assert repair_pdf_text(data, DrawnText()) == data


def test_a_month_under_correction_prints_as_a_draft_of_its_next_revision(
        qapp, store, db_path, tmp_path):
    from jianwang_desktop.core.bundle import export_month

    month_in_store(store)
    export_month(store, "2015-08", tmp_path)
    store.start_correction("2015-08", "补录案件")
    pdf = tmp_path / "correcting.pdf"
    write_pdf(print_source(store, "2015-08"), 1, pdf)
    flat = squeeze(pdf_pages(pdf)[0])
    assert "正在更正,请导出第2版后再打印正式件" in flat and "尚未导出" not in flat
    store.close()
    result = headless_cli("print", "--month", "2015-08", "--pdf", str(pdf), "--form", "1",
                          db=db_path)
    assert result.returncode == 0, result.stderr.decode()
    assert "草稿(正在更正,请导出第2版后再打印正式件)" in result.stdout.decode()


def test_print_preview_opens_large_enough_to_read(qtbot, store):
    """Qt's preview opened at about 700×480 on a 1366×768 laptop, the page at 38 %, too small
    to read a figure: it opens on most of the screen."""
    from jianwang_desktop.gui.printing import print_preview_dialog

    month_in_store(store, cases=3)
    dialog = print_preview_dialog(None, store, "2015-08", 1)
    qtbot.addWidget(dialog)
    dialog.show()
    area = dialog.screen().availableGeometry()
    assert dialog.width() >= 0.85 * area.width() and dialog.height() >= 0.85 * area.height()
    assert dialog.frameGeometry().width() <= area.width()
