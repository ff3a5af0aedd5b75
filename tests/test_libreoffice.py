"""LibreOffice (headless) opens both attachments and prints them as the notice does.

SimSun (宋体), the font the workbooks name, is what the province's Windows machines have;
here fontconfig maps it to Noto Serif CJK SC, as a Linux user would, so that the PDF shows
what they see. Skipped where LibreOffice or poppler is not installed.
"""

import os
import re
import shutil
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from jianwang_desktop.core import excel
from jianwang_desktop.core.formdef import load_form
from sample_data import sample_case, sample_month

from conftest import MIANYANG

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="LibreOffice (libreoffice-calc-nogui) or poppler-utils is not installed")

FORM = load_form("剑网2015")
WHEN = datetime(2015, 8, 28, 10, 30, tzinfo=timezone(timedelta(hours=8)))
EMAILS = {"copyright": "[email protected]", "police": "[email protected]",
          "cyberspace": "[email protected]"}

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same">
    <family>SimSun</family>
    <prefer><family>Noto Serif CJK SC</family></prefer>
  </alias>
</fontconfig>
"""


def to_pdf(tmp_path, month):
    files = excel.attachment_files(FORM, MIANYANG, month, EMAILS, WHEN)
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "fonts.conf").write_text(FONTS_CONF, encoding="utf-8")
    env = dict(os.environ, FONTCONFIG_FILE=str(tmp_path / "fonts.conf"), HOME=str(tmp_path))
    result = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), *[str(tmp_path / n) for n in files]],
        capture_output=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Error" not in result.stderr, result.stderr.decode(errors="replace")
    pdfs = [tmp_path / (name[:-5] + ".pdf") for name in files]
    for pdf in pdfs:
        assert pdf.exists() and pdf.stat().st_size > 1000
    return pdfs, env


def pdf_text(pdf, page=None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", "-layout", *pages, str(pdf), "-"], capture_output=True,
                         check=True)
    return out.stdout.decode("utf-8")


def pdf_pages(pdf) -> list[tuple[float, float]]:
    out = subprocess.run(["pdfinfo", "-l", "99", str(pdf)], capture_output=True, check=True)
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out.stdout.decode())
    return [(float(w), float(h)) for w, h in sizes]


def test_both_attachments_convert_and_print_as_the_notice(tmp_path):
    month = sample_month(FORM)
    (stats_pdf, cases_pdf), env = to_pdf(tmp_path, month)

    stats = pdf_text(stats_pdf)
    for words in ("附件1", "“剑网2015”工作情况统计表", "地区:绵阳市", "案件类别", "行政结案数",
                  "移送司法机关", "涉案服务器(台)", "合计", "填报单位(盖章):绵阳市版权局",
                  "填报人:张三", "联系电话:0816-2345678", "[email protected]"):
        assert words in stats, words
    assert re.search(r"合计\s+15\s+9\s+6\.7500\s+3\s+37\.0368\s+9\s+18", stats), stats
    assert [round(w) for w in pdf_pages(stats_pdf)[0]] == [595, 842]  # A4 portrait

    cases = pdf_text(cases_pdf)
    for words in ("附件2", "“剑网2015”查处案件信息表", "案情简介", "201508-001",
                  "某音乐网站未经许可", "省公安厅网安总队"):
        assert words in cases, words
    assert [round(w) for w in pdf_pages(cases_pdf)[0]] == [842, 595]  # A4 landscape

    # Every glyph, Chinese and Latin, comes from the one Simplified-Chinese serif face.
    for pdf in (stats_pdf, cases_pdf):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True,
                               env=env).stdout.decode()
        names = [line.split()[0] for line in fonts.splitlines()[2:]]
        assert names and all("NotoSerifCJK" in n for n in names), fonts


def test_long_case_lists_repeat_the_header_on_every_page(tmp_path):
    month = sample_month(FORM, cases=0)
    for i in range(1, 31):
        case = sample_case(FORM, i)
        case.summary = "经查,该网站未经权利人许可,通过信息网络向公众传播音乐作品。" * 6
        month.cases.append(case)
    (_, cases_pdf), _ = to_pdf(tmp_path, month)
    pages = pdf_pages(cases_pdf)
    assert len(pages) >= 3
    for page in range(1, len(pages) + 1):
        text = pdf_text(cases_pdf, page)
        assert "案件名称" in text and "案情简介" in text, page
    assert "201508-030" in pdf_text(cases_pdf)
