"""The two attachments as .xlsx: layout as printed, exact numbers, text that stays text."""

import io
import re
import time
import zipfile
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import openpyxl
from openpyxl.cell.cell import MergedCell
import pytest
from hypothesis import HealthCheck, given, settings

from jianwang_desktop.core import excel
from jianwang_desktop.core.formdef import load_form
from jianwang_desktop.core.records import totals_row
from sample_data import sample_month
from strategies import months

from conftest import MIANYANG

FORM = load_form("剑网2015")
WHEN = datetime(2015, 8, 28, 10, 30, tzinfo=timezone(timedelta(hours=8)))
EMAILS = {"copyright": "[email protected]", "police": "[email protected]",
          "cyberspace": "[email protected]"}


def files(month, emails=None):
    return excel.attachment_files(FORM, MIANYANG, month, emails, WHEN)


def books(month, emails=None):
    stats_name, cases_name = excel.file_names(FORM)
    out = files(month, emails)
    return out[stats_name], out[cases_name]


def sheet(xlsx: bytes):
    return openpyxl.load_workbook(io.BytesIO(xlsx)).active


def sheet_xml(xlsx: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return z.read("xl/worksheets/sheet1.xml").decode("utf-8")


def test_file_names_name_the_attachments():
    assert excel.file_names(FORM) == ("附件1-剑网2015工作情况统计表.xlsx",
                                      "附件2-剑网2015查处案件信息表.xlsx")


def test_statistics_sheet_is_laid_out_as_printed():
    month = sample_month(FORM)
    ws = sheet(books(month, EMAILS)[0])
    assert ws["A1"].value == "附件1"
    assert ws["A2"].value == "“剑网2015”工作情况统计表"
    assert ws["A3"].value == "地区:绵阳市"
    merged = {str(r) for r in ws.merged_cells.ranges}
    # Two-level header: single measures span both rows, groups span their measures.
    assert {"A2:H2", "A4:A5", "B4:B5", "C4:D4", "E4:F4", "G4:G5", "H4:H5"} <= merged
    assert [ws.cell(4, c).value for c in (1, 2, 3, 5, 7, 8)] == [
        "案件类别", "行政立案数\n(件)", "行政结案数", "移送司法机关", "关闭网站\n(家)", "涉案服务器(台)"]
    assert [ws.cell(5, c).value for c in (3, 4, 5, 6)] == [
        "件数", "罚款金额\n(万元)", "件数", "涉案金额\n(万元)"]
    assert [ws.cell(r, 1).value for r in range(6, 13)] == list(FORM.categories) + ["合计"]
    totals = totals_row(FORM, month.statistics)
    for column, key in enumerate(FORM.measure_keys, start=2):
        assert ws.cell(12, column).value == pytest.approx(float(totals[key]))
        assert ws.cell(12, column).number_format == (
            "0.0000" if FORM.measure(key).is_amount else "0")
        assert ws.cell(6, column).number_format == ws.cell(12, column).number_format
    assert ws["A13"].value == "填报单位(盖章):绵阳市版权局"
    footer = [ws.cell(13, c).value for c in range(1, 9) if ws.cell(13, c).value]
    assert footer == ["填报单位(盖章):绵阳市版权局", "填报人:张三", "联系电话:0816-2345678"]
    assert ws["A14"].value == FORM.statistics_form.notes_text(EMAILS)[0]
    assert "[email protected]" in ws["A14"].value and ws["A14"].alignment.wrap_text


def test_statistics_page_font_and_borders():
    ws = sheet(books(sample_month(FORM))[0])
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "portrait"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$4:$5"
    for ref in ("A2", "A4", "C5", "B6", "H12", "A13", "A14"):
        assert ws[ref].font.name == "SimSun", ref
    assert ws["A2"].font.bold and ws["A2"].font.size == 16
    for row in range(4, 13):
        for column in range(1, 9):
            if isinstance(ws.cell(row, column), MergedCell):
                continue  # inside a merged range only its outline is drawn
            border = ws.cell(row, column).border
            assert border.left.style == border.right.style == "thin", (row, column)
            assert border.top.style == border.bottom.style == "thin", (row, column)
    assert ws["A13"].border.left.style is None  # the footer is outside the table


def test_cases_sheet_is_landscape_with_repeated_header_and_wrapped_summary():
    month = sample_month(FORM)
    month.cases[0].summary = "经查," + "该网站未经许可传播作品," * 40
    ws = sheet(books(month, EMAILS)[1])
    assert ws["A1"].value == "附件2" and ws["A2"].value == "“剑网2015”查处案件信息表"
    assert [ws.cell(4, c).value for c in range(1, 8)] == [c.heading for c in FORM.case_columns]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$4:$4"
    summary = ws.cell(5, 5)
    assert summary.value == month.cases[0].summary and summary.alignment.wrap_text
    assert ws.row_dimensions[5].height > 4 * ws.row_dimensions[6].height / 2
    footer_row = 5 + len(month.cases)
    assert ws.cell(footer_row, 1).value.startswith("填报单位(盖章):")
    notes = [ws.cell(r, 1).value for r in range(footer_row + 1, footer_row + 6)]
    assert notes == FORM.cases_form.notes_text(EMAILS)


def test_notes_leave_out_addresses_until_they_are_set():
    ws = sheet(books(sample_month(FORM), {})[1])
    assert ws.cell(10, 1).value == "省版权局版权处:电话:028-86697093"


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\",\"点我\")", "+1", "-1", "@SUM(A1:A2)",
                                  "=1+1", "#N/A", "#REF!", "_x0041_", "行一\r\n行二"])
def test_formula_like_text_stays_text(text):
    month = sample_month(FORM)
    month.cases[0].name = text
    month.cases[1].remarks = text
    xlsx = books(month)[1]
    xml = sheet_xml(xlsx)
    assert "<f>" not in xml and "<f " not in xml
    assert 't="e"' not in xml
    for ref in ("B5", "G6"):
        assert re.search(rf'<c r="{ref}"[^>]* t="inlineStr"', xml), ref
        assert excel.read_cells(xlsx)[ref] == excel.SheetCell("text", text)
    assert excel.compare_cases(FORM, month, xlsx) == []


def test_amounts_are_written_with_their_exact_digits():
    month = sample_month(FORM)
    month.statistics["文学"]["involved"] = Decimal("9999999999.9999")
    month.statistics["音乐"]["involved"] = Decimal("0.0001")
    month.statistics["影视"]["fine"] = Decimal("12.30")
    stats = books(month)[0]
    cells = excel.read_cells(stats)
    assert cells["F6"] == excel.SheetCell("number", "9999999999.9999")
    assert cells["F7"] == excel.SheetCell("number", "0.0001")
    assert cells["D8"] == excel.SheetCell("number", "12.30")
    total = totals_row(FORM, month.statistics)["involved"]
    assert Decimal(cells["F12"].text) == total  # no float on the way
    assert excel.compare_statistics(FORM, month, stats) == []


def test_blank_stays_blank_and_zero_stays_zero():
    month = sample_month(FORM)
    month.statistics["文学"]["filed"] = None
    month.statistics["音乐"]["filed"] = 0
    cells = excel.read_cells(books(month)[0])
    assert "B6" not in cells
    assert cells["B7"] == excel.SheetCell("number", "0")


def test_the_reader_notices_a_changed_figure():
    month = sample_month(FORM)
    stats, cases = books(month)
    other = sample_month(FORM)
    other.statistics["游戏"]["servers"] += 1
    other.cases[2].result = "另一个结果"
    problems = excel.compare_statistics(FORM, other, stats)
    assert any("游戏" in p and "涉案服务器数" in p for p in problems)
    assert any("合计" in p for p in problems)
    assert excel.compare_cases(FORM, other, cases) == ["第3条案件的“查处结果”与 data.json 不一致"]
    fewer = sample_month(FORM, cases=2)
    assert any("行数" in p for p in excel.compare_cases(FORM, fewer, cases))


def test_same_content_gives_the_same_bytes_whatever_the_clock(monkeypatch):
    month = sample_month(FORM)
    first = files(month)
    monkeypatch.setattr(time, "time", lambda: 2_000_000_000.0)
    assert files(month) == first
    later = excel.attachment_files(FORM, MIANYANG, month, None, WHEN + timedelta(days=1))
    assert later != first


def test_a_month_without_cases_prints_one_empty_ruled_row():
    month = sample_month(FORM, cases=0)
    xlsx = books(month)[1]
    ws = sheet(xlsx)
    assert ws.cell(5, 1).value is None and ws.cell(5, 1).border.left.style == "thin"
    assert ws.cell(6, 1).value.startswith("填报单位")
    assert excel.compare_cases(FORM, month, xlsx) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(months(FORM))
def test_any_month_reads_back_exactly(month):
    stats, cases = books(month)
    assert excel.compare_statistics(FORM, month, stats) == []
    assert excel.compare_cases(FORM, month, cases) == []


_AWKWARD_TEXTS = [" lead", "trail ", "\u3000全角\u3000", "a&b<c>d\"e'", "=1+1", "#N/A", "@x",
                  "_x0041_ literal", "ctl\x01\x1f\r\nx", "长" * 33000, "多行\n第二行\n\n第四", "",
                  "\t tab", "\ufffe", "x" * 200, "混合abc汉字" * 9]


@pytest.mark.parametrize("n_cases", [0, 1, len(_AWKWARD_TEXTS)])
def test_streamed_case_rows_are_what_openpyxl_writes_for_the_same_cells(monkeypatch, n_cases):
    """The 附件2 body rows are written as XML text (for speed); openpyxl's own cells for
    the same rows must give the very same file."""
    form = load_form()
    month = sample_month(form, cases=n_cases)
    for i, case in enumerate(month.cases):
        for j, key in enumerate(("number", "name", "handling_unit", "summary", "result",
                                 "remarks")):
            setattr(case, key, _AWKWARD_TEXTS[(i + j) % len(_AWKWARD_TEXTS)])
    streamed = excel.attachment_files(form, MIANYANG, month, None, WHEN)
    monkeypatch.setattr(excel._SheetWriter, "stream_rows", lambda self: None)
    with_cells = excel.attachment_files(form, MIANYANG, month, None, WHEN)
    assert streamed == with_cells
