"""The two attachments of the notice as .xlsx files, laid out as printed, and read back.

附件1 (statistics) and 附件2 (cases) each become one workbook: the 附件 label, the title,
the 地区 line, the (two-level, merged) header, the rows, a 合计 row with its values
written, the 填报单位(盖章) / 填报人 / 联系电话 footer and the notes word for word.

Exactness: openpyxl formats numbers with "%.16g", i.e. through a binary float, and turns
text starting with "=" into a formula (and "#N/A" into an error). So every cell here is
written with its final XML text and type (`_put_text`, `_number_text`); the reader at
the bottom parses the sheet XML itself and gets the exact digits back.
"""

from __future__ import annotations

import io
from copy import copy
from functools import lru_cache
import math
import re
import stat
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
import zlib
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from .domain import Profile
from .formdef import FormDefinition, PrintedForm
from .money import format_amount
from .records import MonthData, Value, totals_row

BODY_FONT = "SimSun"  # 宋体: what the province's Excel/WPS has; Linux maps it via fontconfig
BODY_SIZE = 11
TITLE_SIZE = 16
A4 = 9
LINE_POINTS = 16.0  # one wrapped line of 11 pt 宋体 (14.25) or Noto Serif CJK (16), whichever
WIDE_UNITS = 2.0  # column-width units (digit widths of the default 宋体) per CJK character
# Deflate level of the parts inside an .xlsx, and of a bundle's members: zlib's default,
# as Excel and openpyxl use. Level 9 took nearly three times as long on a big 附件2 sheet
# for a 7 % smaller part, and three times as long on the data.json of 10,000 cases (124
# against 42 ms) for a 0.8 % smaller member.
XLSX_LEVEL = 6
MAX_PART_BYTES = 32 * 1024 * 1024  # a sheet part read back by the verifier
STATISTICS_SHEET = "附件1"
CASES_SHEET = "附件2"

# Fixed layout shared by writer and reader (1-based rows).
LABEL_ROW, TITLE_ROW, REGION_ROW, HEADER_ROW = 1, 2, 3, 4

_QUOTES = re.compile('[“”"]')
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


class Column(NamedTuple):
    heading: str
    group: str | None
    width: float
    kind: str  # "text", "count" or "amount"
    places: int = 0


def file_names(form: FormDefinition) -> tuple[str, str]:
    """附件1-剑网2015工作情况统计表.xlsx, 附件2-剑网2015查处案件信息表.xlsx"""
    return tuple(
        f"{p.attachment}-{_QUOTES.sub('', p.title)}.xlsx"
        for p in (form.statistics_form, form.cases_form)
    )


# ---------------------------------------------------------------- columns


def statistics_columns(form: FormDefinition) -> list[Column]:
    columns = [Column(form.category_heading, None, 12, "text")]
    for m in form.measures:
        kind = "amount" if m.is_amount else "count"
        widest = max(_text_width(line) for line in m.heading.split("\n"))
        width = max(13 if m.is_amount else 11, widest + 2)
        columns.append(Column(m.heading, m.group, width, kind, m.places))
    return columns


_CASE_WIDTHS = {"number": 13, "name": 24, "handling_unit": 20, "source": 12, "summary": 46,
                "result": 30, "remarks": 14}


def case_columns(form: FormDefinition) -> list[Column]:
    return [Column(c.heading, None, _CASE_WIDTHS.get(c.key, 16), "text")
            for c in form.case_columns]


def _header_rows(columns: list[Column]) -> int:
    return 2 if any(c.group for c in columns) else 1


def first_body_row(columns: list[Column]) -> int:
    return HEADER_ROW + _header_rows(columns)


# ---------------------------------------------------------------- cell writing


def _put_text(cell, text: str) -> None:
    """Always a string cell: '=1+1', '@x', '#N/A' stay exactly what was typed."""
    cell._value = cell.check_string(_escape_ooxml(text))
    cell.data_type = "s"


_OOXML_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_OOXML_CODE = re.compile(r"_x([0-9A-Fa-f]{4})_")


_XML_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def _escape_ooxml(text: str) -> str:
    """OOXML text reads "_xHHHH_" as a character code: protect a literal one, and encode
    what XML cannot carry (CR would come back as LF, U+FFFF not at all)."""
    if "_x" in text:  # (a quick look first: most texts have none)
        text = _OOXML_ESCAPE.sub(r"_x005F_\1", text)
    return _XML_UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


def _unescape_ooxml(text: str) -> str:
    return _OOXML_CODE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _number_text(value: int | Decimal) -> str:
    """The exact digits that go into the XML; Excel shows them with the cell's fixed format."""
    return format_amount(value) if isinstance(value, Decimal) else str(int(value))


_MAX_CELL_TEXT = 32767  # what openpyxl's Cell.check_string keeps


@lru_cache(maxsize=4096)  # units, sources and results repeat from case to case
def _text_xml(text: str) -> str:
    """The <is> of an inline string cell, as openpyxl's writer (through et_xmlfile) writes
    it: escaped OOXML text, XML-escaped, with xml:space="preserve" if it has outer blanks."""
    text = _escape_ooxml(text)[:_MAX_CELL_TEXT]
    stripped = text.strip()
    space = ' xml:space="preserve"' if stripped and text != stripped else ""
    body = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<is><t{space}>{body}</t></is>"


class _WideTable(dict):
    """A str.translate table that keeps wide (CJK) characters and drops the rest, filled
    per character on first sight: a big month's export measures a million characters."""

    def __missing__(self, code: int) -> int | None:
        keep = code if unicodedata.east_asian_width(chr(code)) in "WF" else None
        self[code] = keep
        return keep


_WIDE = _WideTable()


def _text_width(text: str) -> float:
    """Width in column units: WIDE_UNITS per wide character, 1 for any other."""
    if text.isascii():
        return float(len(text))
    wide = len(text.translate(_WIDE))
    return float(len(text) - wide) + wide * WIDE_UNITS


@lru_cache(maxsize=4096)
def _lines(text: str, width: float) -> int:
    usable = max(width - 1.0, 1.0)
    return sum(max(1, math.ceil(_text_width(part) / usable)) for part in text.split("\n"))


class _SheetWriter:
    def __init__(self, ws, columns: list[Column]):
        from openpyxl.styles import Alignment, Border, Font, Side

        self.ws = ws
        self.columns = columns
        self.ncols = len(columns)
        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.font = Font(name=BODY_FONT, size=BODY_SIZE, charset=134)
        self.bold = Font(name=BODY_FONT, size=BODY_SIZE, bold=True, charset=134)
        self.title_font = Font(name=BODY_FONT, size=TITLE_SIZE, bold=True, charset=134)
        self.Alignment = Alignment
        self._styles: dict[tuple, object] = {}  # body-cell style key -> openpyxl StyleArray
        for i, column in enumerate(columns, start=1):
            ws.column_dimensions[self._letter(i)].width = column.width

    @staticmethod
    def _letter(index: int) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(index)

    def span_width(self, first: int, last: int) -> float:
        return sum(c.width for c in self.columns[first - 1:last])

    def merged_text(self, row: int, first: int, last: int, text: str, *, font=None,
                    horizontal="left", wrap=False, border=False) -> None:
        cell = self.ws.cell(row=row, column=first)
        _put_text(cell, text)
        cell.font = font or self.font
        cell.alignment = self.Alignment(horizontal=horizontal, vertical="center",
                                        wrap_text=wrap)
        if border:
            for c in range(first, last + 1):
                self.ws.cell(row=row, column=c).border = self.border
        if last > first:
            self.ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)

    def set_height(self, row: int, lines: int, extra: float = 6.0) -> None:
        self.ws.row_dimensions[row].height = lines * LINE_POINTS + extra

    def top(self, printed: PrintedForm, region: str) -> None:
        self.merged_text(LABEL_ROW, 1, 2, printed.attachment)
        self.merged_text(TITLE_ROW, 1, self.ncols, printed.title, font=self.title_font,
                         horizontal="center")
        self.set_height(TITLE_ROW, 1, 14)
        self.merged_text(REGION_ROW, 1, self.ncols, printed.region_text(region))
        self.set_height(REGION_ROW, 1)

    def header(self) -> None:
        rows = _header_rows(self.columns)
        last_row = HEADER_ROW + rows - 1
        index = 0
        while index < self.ncols:
            column = self.columns[index]
            start = index + 1
            if column.group is None:
                self._header_cell(HEADER_ROW, start, column.heading)
                if rows == 2:
                    self._header_cell(last_row, start, None)
                    self.ws.merge_cells(start_row=HEADER_ROW, start_column=start,
                                        end_row=last_row, end_column=start)
                index += 1
                continue
            end = index
            while end + 1 < self.ncols and self.columns[end + 1].group == column.group:
                end += 1
            self._header_cell(HEADER_ROW, start, column.group)
            for c in range(start + 1, end + 2):
                self._header_cell(HEADER_ROW, c, None)
            if end > index:
                self.ws.merge_cells(start_row=HEADER_ROW, start_column=start,
                                    end_row=HEADER_ROW, end_column=end + 1)
            for i in range(index, end + 1):
                self._header_cell(last_row, i + 1, self.columns[i].heading)
            index = end + 1
        lines = max(_lines(c.heading, c.width) for c in self.columns)
        if rows == 2:
            self.set_height(HEADER_ROW, 1, 8)
            self.set_height(last_row, lines, 8)
        else:
            self.set_height(HEADER_ROW, lines, 8)
        self.ws.print_title_rows = f"{HEADER_ROW}:{last_row}"

    def _header_cell(self, row: int, column: int, text: str | None) -> None:
        cell = self.ws.cell(row=row, column=column)
        if text is not None:
            _put_text(cell, text)
        cell.font = self.bold
        cell.border = self.border
        cell.alignment = self.Alignment(horizontal="center", vertical="center", wrap_text=True)

    def stream_rows(self) -> None:
        """Write the body rows from here on as sheet XML text, spliced into the sheet when
        the workbook is saved (`workbook_bytes`), instead of as openpyxl cells: a cell
        object per value and openpyxl's element-by-element writer made up most of the
        time to export a big month. The XML is what openpyxl writes for the same cells,
        and the style ids are registered in the order its writer would register them:
        first those of the rows already written, in sheet order."""
        for _, cell in sorted(self.ws._cells.items()):
            if cell.has_style:
                cell.style_id  # noqa: B018 (registers the cell's style in the workbook)
        self._streamed: list[str] = []
        self._style_ids: dict[tuple, int] = {}
        self._refs = [self._letter(i) for i in range(1, self.ncols + 1)]

    @property
    def streaming(self) -> bool:
        return hasattr(self, "_streamed")

    def body_row(self, row: int, values: list, *, bold=False) -> None:
        lines = 1
        cells = []  # (style key, value text or None, openpyxl data type)
        for column, value in zip(self.columns, values):
            if column.kind == "text":
                text = value or ""
                text_lines = _lines(text, column.width)
                wide = text_lines > 1 or "\n" in text
                key = self._style(("text", bold, wide), bold,
                                  horizontal="left" if wide else "center", wrap_text=True)
                cells.append((key, text or None, "s"))
                lines = max(lines, text_lines)
            else:
                places = column.places
                key = self._style(("number", bold, places), bold,
                                  number_format="0." + "0" * places if places else "0",
                                  horizontal="center")
                cells.append((key, None if value is None else _number_text(value), "n"))
        height = lines * LINE_POINTS + 8
        if self.streaming:
            self._streamed.append(self._row_xml(row, height, cells))
            self.ws._streamed_rows = (row + 1, self._streamed)
            return
        for i, (key, value, data_type) in enumerate(cells, start=1):
            cell = self.ws.cell(row=row, column=i)
            cell._style = copy(self._styles[key])
            if value is None:
                continue
            if data_type == "s":
                _put_text(cell, value)
            else:
                cell._value, cell.data_type = value, "n"
        self.ws.row_dimensions[row].height = height

    def _row_xml(self, row: int, height: float, cells: list) -> str:
        parts = [f'<row r="{row}" ht="{height:.16g}" customHeight="1">']
        for ref, (key, value, data_type) in zip(self._refs, cells):
            style = self._style_ids.get(key)
            if style is None:
                style = self._style_ids[key] = self.ws.parent._cell_styles.add(self._styles[key])
            if value is None:
                parts.append(f'<c r="{ref}{row}" s="{style}" t="n" />')
            elif data_type == "s":
                parts.append(f'<c r="{ref}{row}" s="{style}" t="inlineStr">{_text_xml(value)}</c>')
            else:
                parts.append(f'<c r="{ref}{row}" s="{style}" t="n"><v>{value}</v></c>')
        parts.append("</row>")
        return "".join(parts)

    def _style(self, key: tuple, bold: bool, *, horizontal: str, wrap_text: bool = False,
               number_format: str | None = None) -> tuple:
        """The key of a body-cell style, registered with the workbook on first use and
        then copied cell to cell: assigning font, border and alignment objects hashes them
        into the workbook's style tables every time, which dominated exporting big months."""
        if key not in self._styles:
            from openpyxl.cell.cell import Cell

            cell = Cell(self.ws)  # not placed in the sheet: only its style is kept
            cell.border = self.border
            cell.font = self.bold if bold else self.font
            if number_format is not None:
                cell.number_format = number_format
            cell.alignment = self.Alignment(horizontal=horizontal, vertical="center",
                                            wrap_text=wrap_text or None)
            self._styles[key] = cell._style
        return key

    def footer(self, row: int, printed: PrintedForm, profile: Profile) -> int:
        values = (profile.unit, profile.filler, profile.phone)
        parts = [label + value for label, value in zip(printed.footer, values)]
        bounds = _thirds(self.ncols, [_text_width(p) for p in parts], self.columns)
        for (first, last), text in zip(bounds, parts):
            self.merged_text(row, first, last, text)
        self.set_height(row, 1, 12)
        return row + 1

    def notes(self, row: int, notes: list[str]) -> int:
        width = self.span_width(1, self.ncols)
        for note in notes:
            self.merged_text(row, 1, self.ncols, note, wrap=True)
            self.ws.cell(row=row, column=1).alignment = self.Alignment(
                horizontal="left", vertical="top", wrap_text=True)
            self.set_height(row, _lines(note, width), 4)
            row += 1
        return row

    def page(self, landscape: bool) -> None:
        ws = self.ws
        ws.page_setup.paperSize = A4
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.6
        ws.page_margins.top = ws.page_margins.bottom = 0.7
        ws.sheet_view.showGridLines = False


def _thirds(ncols: int, needs: list[float], columns: list[Column]) -> list[tuple[int, int]]:
    """Split the columns into three runs for the footer, giving the unit name the most room."""
    if ncols < 3:
        return [(1, ncols)] * 3
    best = None
    for a in range(1, ncols - 1):
        for b in range(a + 1, ncols):
            spans = [(1, a), (a + 1, b), (b + 1, ncols)]
            widths = [sum(c.width for c in columns[s - 1:e]) for s, e in spans]
            shortfall = sum(max(0.0, need - w) for need, w in zip(needs, widths))
            key = (shortfall, -min(widths))
            if best is None or key < best[0]:
                best = (key, spans)
    return best[1]


# ---------------------------------------------------------------- workbooks


def _new_workbook(created: datetime, title: str):
    from openpyxl import Workbook

    wb = Workbook()
    # The workbook's default font is what Excel measures column widths in; with 宋体 there,
    # one CJK character is two width units wherever the file is opened.
    from openpyxl.styles import Font
    from openpyxl.utils.indexed_list import IndexedList

    default = Font(name=BODY_FONT, sz=BODY_SIZE, charset=134)
    wb._fonts = IndexedList([default])
    wb._named_styles["Normal"].font = copy(default)
    # Core properties are UTC by convention.
    naive = created if created.tzinfo is None else \
        created.astimezone(timezone.utc).replace(tzinfo=None)
    wb.properties.created = naive
    wb.properties.modified = naive
    wb.properties.creator = "剑网填报"
    wb.properties.title = title
    return wb


def statistics_workbook(form: FormDefinition, profile: Profile, month: MonthData,
                        emails: dict[str, str] | None, created: datetime):
    printed = form.statistics_form
    wb = _new_workbook(created, printed.title)
    ws = wb.active
    ws.title = STATISTICS_SHEET
    columns = statistics_columns(form)
    w = _SheetWriter(ws, columns)
    w.top(printed, profile.region)
    w.header()
    row = first_body_row(columns)
    for category in form.categories:
        w.body_row(row, [category] + [month.statistics[category][k] for k in form.measure_keys])
        row += 1
    totals = totals_row(form, month.statistics)
    w.body_row(row, [form.total_label] + [totals[k] for k in form.measure_keys], bold=True)
    row = w.footer(row + 1, printed, profile)
    w.notes(row, printed.notes_text(emails))
    w.page(landscape=False)
    return wb


def cases_workbook(form: FormDefinition, profile: Profile, month: MonthData,
                   emails: dict[str, str] | None, created: datetime):
    printed = form.cases_form
    wb = _new_workbook(created, printed.title)
    ws = wb.active
    ws.title = CASES_SHEET
    columns = case_columns(form)
    w = _SheetWriter(ws, columns)
    w.top(printed, profile.region)
    w.header()
    row = first_body_row(columns)
    w.stream_rows()
    for case in month.cases:
        w.body_row(row, [case.text(c.key) for c in form.case_columns])
        row += 1
    if not month.cases:  # the printed form shows an empty ruled row
        w.body_row(row, [""] * len(columns))
        row += 1
    row = w.footer(row, printed, profile)
    w.notes(row, printed.notes_text(emails))
    w.page(landscape=True)
    return wb


def workbook_bytes(wb, when: datetime) -> bytes:
    """The .xlsx bytes, identical for identical content: fixed member times and order."""
    from openpyxl.writer.excel import ExcelWriter

    raw = io.BytesIO()
    # Stored, not deflated: normalized_zip reads it back and deflates each member once.
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).write_data()  # save_workbook would stamp "modified" = now
    streamed = {ws.path.lstrip("/"): ws._streamed_rows for ws in wb.worksheets
                if hasattr(ws, "_streamed_rows")}
    return normalized_zip(raw.getvalue(), when, streamed)


def normalized_zip(raw: bytes, when: datetime,
                   streamed: dict[str, tuple[int, list[str]]] | None = None) -> bytes:
    """Rewrite a zip with every member stamped `when`, in its original order. `streamed`:
    {sheet part: (row number, rows' XML)} to insert before that row (`stream_rows`)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if streamed and info.filename in streamed:
                data = _insert_rows(data, *streamed[info.filename])
            write_member(dst, info.filename, data, when, level=XLSX_LEVEL)
    return out.getvalue()


def _insert_rows(sheet: bytes, before: int, rows: list[str]) -> bytes:
    """The sheet XML with `rows` inserted before row `before` (text cells are XML-escaped,
    so the marker can only be the row element itself)."""
    at = sheet.index(f'<row r="{before}"'.encode())
    return b"".join((sheet[:at], "".join(rows).encode("utf-8"), sheet[at:]))


def write_member(archive: zipfile.ZipFile, name: str, data: bytes, when: datetime, *,
                 level: int = XLSX_LEVEL) -> None:
    """One deflated member with fixed metadata, whatever the OS or clock."""
    info = zipfile.ZipInfo(name, date_time=_zip_time(when))
    info.compress_type = zipfile.ZIP_DEFLATED
    # "Made on Unix", a plain rw-r--r-- file: the same on every OS, and Info-ZIP's unzip
    # then takes the UTF-8 name (flag bit 11) as it is instead of as a DOS code page.
    info.create_system = 3
    info.external_attr = (stat.S_IFREG | 0o644) << 16
    archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)


def _zip_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    year = min(max(when.year, 1980), 2107)
    return (year, when.month, when.day, when.hour, when.minute, when.second // 2 * 2)


def attachment_files(form: FormDefinition, profile: Profile, month: MonthData,
                     emails: dict[str, str] | None, created: datetime) -> dict[str, bytes]:
    """{file name: xlsx bytes} for both attachments."""
    names = file_names(form)
    books = (statistics_workbook(form, profile, month, emails, created),
             cases_workbook(form, profile, month, emails, created))
    return {name: workbook_bytes(wb, created) for name, wb in zip(names, books)}


# ---------------------------------------------------------------- reading back


class SheetReadError(ValueError):
    """The workbook cannot be read as ours; the message is for the user."""


class SheetCell(NamedTuple):
    kind: str  # "text", "number", "formula", "error", "other"
    text: str


def read_cells(xlsx: bytes) -> dict[str, SheetCell]:
    """Cells of the first sheet, {"B6": SheetCell}, from the XML itself (exact digits)."""
    try:
        with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
            sheet_path = _first_sheet_path(z)
            shared = _shared_strings(z)
            root = _xml(z, sheet_path)
        return _cells(root, shared)
    except (zipfile.BadZipFile, KeyError, ET.ParseError, IndexError, ValueError, TypeError,
            AttributeError, OSError, EOFError, NotImplementedError, zlib.error):
        raise SheetReadError("不是可以读取的 Excel 文件(已损坏或被改动)。") from None


def _xml(z: zipfile.ZipFile, name: str):
    """Parse one part, refusing parts that would inflate beyond MAX_PART_BYTES."""
    info = z.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise ValueError(name)
    with z.open(info) as f:
        data = f.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise ValueError(name)
    return ET.fromstring(data)


def _cells(root, shared: list[str]) -> dict[str, SheetCell]:
    cells: dict[str, SheetCell] = {}
    for c in root.iter(f"{{{_MAIN_NS}}}c"):
        ref = c.get("r", "")
        kind = c.get("t", "n")
        v = c.find(f"{{{_MAIN_NS}}}v")
        if c.find(f"{{{_MAIN_NS}}}f") is not None:
            cells[ref] = SheetCell("formula", v.text or "" if v is not None else "")
        elif kind == "inlineStr":
            cells[ref] = SheetCell("text", _joined_text(c.find(f"{{{_MAIN_NS}}}is")))
        elif kind == "s" and v is not None:
            cells[ref] = SheetCell("text", shared[int(v.text)])
        elif kind == "str" and v is not None:
            cells[ref] = SheetCell("text", v.text or "")
        elif kind == "n" and v is not None:
            cells[ref] = SheetCell("number", v.text or "")
        elif kind == "e":
            cells[ref] = SheetCell("error", v.text if v is not None else "")
        elif v is not None:
            cells[ref] = SheetCell("other", v.text or "")
    return cells


def _joined_text(element) -> str:
    if element is None:
        return ""
    return _unescape_ooxml("".join(t.text or "" for t in element.iter(f"{{{_MAIN_NS}}}t")))


def _first_sheet_path(z: zipfile.ZipFile) -> str:
    workbook = _xml(z, "xl/workbook.xml")
    sheet = workbook.find(f"{{{_MAIN_NS}}}sheets/{{{_MAIN_NS}}}sheet")
    rel_id = sheet.get(f"{{{_REL_NS}}}id")
    rels = _xml(z, "xl/_rels/workbook.xml.rels")
    for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target")
            return target.lstrip("/") if target.startswith("/") else "xl/" + target
    raise KeyError(rel_id)


def _shared_strings(z: zipfile.ZipFile) -> list[str]:
    try:
        root = _xml(z, "xl/sharedStrings.xml")
    except KeyError:
        return []
    return [_joined_text(si) for si in root.iter(f"{{{_MAIN_NS}}}si")]


def _ref(row: int, column: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{row}"


def _number(cell: SheetCell | None) -> Value | str:
    """The exact value of a number cell, None for blank, or a string saying what is wrong."""
    if cell is None:
        return None
    if cell.kind != "number":
        return f"不是数字(是{ {'text': '文本', 'formula': '公式'}.get(cell.kind, cell.kind)})"
    try:
        number = Decimal(cell.text)
    except InvalidOperation:
        return f"无法识别的数字“{cell.text}”"
    return number


def _same(expected: Value, found) -> bool:
    if isinstance(found, str):
        return False
    if expected is None or found is None:
        return expected is None and found is None
    return Decimal(expected) == found


def compare_statistics(form: FormDefinition, month: MonthData, xlsx: bytes) -> list[str]:
    """Every difference between the 附件1 workbook and the month's figures, in Chinese."""
    cells = read_cells(xlsx)
    problems = _formulas(cells)
    columns = statistics_columns(form)
    row = first_body_row(columns)
    totals = totals_row(form, month.statistics)
    rows = [(c, month.statistics[c]) for c in form.categories]
    rows.append((form.total_label, totals))
    for label, values in rows:
        cell = cells.get(_ref(row, 1))
        if cell is None or cell.kind != "text" or cell.text != label:
            problems.append(f"第{row}行应为“{label}”行,实为“{cell.text if cell else ''}”")
        for i, key in enumerate(form.measure_keys, start=2):
            found = _number(cells.get(_ref(row, i)))
            if not _same(values[key], found):
                shown = found if isinstance(found, str) else ("空" if found is None else found)
                want = "空" if values[key] is None else values[key]
                problems.append(f"“{label}”行“{form.measure(key).label}”:表中为 {shown},"
                                f"data.json 为 {want}")
        row += 1
    return problems


def compare_cases(form: FormDefinition, month: MonthData, xlsx: bytes) -> list[str]:
    """Every difference between the 附件2 workbook and the month's cases, in Chinese."""
    cells = read_cells(xlsx)
    problems = _formulas(cells)
    columns = form.case_columns
    row = first_body_row(case_columns(form))
    for index, case in enumerate(month.cases):
        for i, column in enumerate(columns, start=1):
            cell = cells.get(_ref(row, i))
            found = "" if cell is None else cell.text
            if (cell is not None and cell.kind != "text") or found != case.text(column.key):
                problems.append(f"第{index + 1}条案件的“{column.heading}”与 data.json 不一致")
        row += 1
    footer = cells.get(_ref(row if month.cases else row + 1, 1))
    if footer is None or not footer.text.startswith(form.cases_form.footer[0]):
        problems.append(f"案件行数与 data.json({len(month.cases)} 条)不一致")
    return problems


def _formulas(cells: dict[str, SheetCell]) -> list[str]:
    return [f"单元格 {ref} 是公式,应为数值或文本" for ref, c in cells.items()
            if c.kind == "formula"]
