"""Printing 附件1 and 附件2 as on the notice's forms: preview, printer and PDF.

One code path draws both on any QPrinter (a PDF file, a real printer, the preview):

1. `print_source` reads everything the paper shows from the store once.
2. `lay_out` flows the form into pages: title, 地区 line, the table (its header rows
   repeated on every page, long cells broken between lines, never through a line), the
   signature line with the seal over the unit's name, and the note word for word.
3. `render` paints the pages, adding what every page carries: the draft marker or the
   bundle's fingerprints and QR code, and “第 x 页 共 y 页” (known once the flow is done).

The QR code holds `jianwang:<bundle fingerprint>:<key fingerprint>` (see `PrintStamp`).
Every length below is in millimetres and every font size in points; the layout
decisions sit together under "Page layout" so they can be read and changed in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (QColor, QFont, QFontMetricsF, QImage, QPageLayout, QPageSize,
                           QPainter, QPainterPath, QPen, QTextLayout, QTextOption)
from PySide6.QtPrintSupport import QPrinter

from ..core.domain import Profile
from ..core.errors import UserError
from ..core.formdef import FormDefinition, PrintedForm
from ..core.money import format_amount
from ..core.month_state import date_text
from ..core.recipients import provincial_emails
from ..core.records import MonthData, Value, totals_row
from .pdf_text import RADICALS, DrawnText, repair_pdf_text

FORM_STATISTICS, FORM_CASES = 1, 2
QR_PREFIX = "jianwang"


# ---------------------------------------------------------------- what the paper shows

@dataclass(frozen=True)
class PrintStamp:
    """The exported bundle a printout belongs to; None on a printout means a draft.

    `bundle_fingerprint`: sha256 of the bundle's manifest.json, first 16 hex digits.
    `key_fingerprint`: the signing key's fingerprint as the bundle states it.
    `revision`: which export of the month this is (1 for the first).
    `previous_key_fingerprint`: the key of the previous revision when it was another one.
    """

    bundle_fingerprint: str
    key_fingerprint: str
    revision: int
    previous_key_fingerprint: str | None = None

    @property
    def qr_payload(self) -> str:
        """What the QR code says: `jianwang:<bundle fingerprint>:<key fingerprint>`."""
        return f"{QR_PREFIX}:{self.bundle_fingerprint}:{self.key_fingerprint}"


@dataclass
class PrintSource:
    form: FormDefinition
    profile: Profile | None
    month: MonthData
    stamp: PrintStamp | None = None
    seal: QImage | None = None
    emails: dict[str, str] = field(default_factory=dict)  # recipient key -> address
    printed_on: date = field(default_factory=date.today)
    correcting: int = 0  # under 更正: the revision to export next; 0 otherwise

    @property
    def draft_line(self) -> str:
        if self.correcting:
            return CORRECTING_LINE.format(n=self.correcting)
        return DRAFT_LINE


def print_source(store, period: str, stamp: PrintStamp | None = None,
                 printed_on: date | None = None) -> PrintSource:
    """Everything a printout of `period` shows, read from the store in one go.

    The month is the one that is exported: at a 市(州)版权局 the city total."""
    from ..core.rollup import combined_month
    from .seal import seal_image

    export = store.export_state(period)
    return PrintSource(
        form=store.form,
        profile=store.profile(),
        month=combined_month(store, period),
        stamp=stamp,
        seal=seal_image(store),
        emails=provincial_emails(store),
        printed_on=printed_on or date.today(),
        correcting=export.next_revision if export.exported and not export.locked else 0,
    )


def stamp_for(store, period: str) -> PrintStamp | None:
    """The stamp of the month's current export, or None (a draft) while none stands for it."""
    record = store.current_export(period)
    if record is None:
        return None
    earlier = store.exports(period)[-2:-1]
    changed = earlier[0].fingerprint if earlier and earlier[0].fingerprint != record.fingerprint \
        else None
    return PrintStamp(record.manifest_sha256[:16], record.fingerprint, record.revision, changed)


# ---------------------------------------------------------------- page layout

MARGIN_MM = 15.0  # all four sides
FOOTER_BAND_MM = 8.0  # bottom band of a draft: page number and the draft line
STAMPED_BAND_MM = 24.0  # bottom band of an exported month: also fingerprints and QR code
BAND_TEXT_MM = 72.0  # the band's text at the left, clear of the page number
QR_MM = 22.0  # side of the QR code, quiet zone included
SEAL_MM = 40.0  # an office seal is about 4 cm across
CELL_PAD_MM = 1.2
HEADER_ROW_MM = 9.0  # least height of a table header row
BODY_ROW_MM = {FORM_STATISTICS: 10.0, FORM_CASES: 8.0}
MIN_SPLIT_LINES = 2  # a cell broken over two pages keeps at least this many lines each side
GAP_MM = 3.0
SIGN_GAP_MM = 8.0  # least space between the items of the signature line

ORIENTATION = {FORM_STATISTICS: QPageLayout.Orientation.Portrait,
               FORM_CASES: QPageLayout.Orientation.Landscape}

# Sizes in points: 小二 for the title, 小四 / 五号 for the tables, as printed notices use.
TITLE_PT, LABEL_PT, LINE_PT, NOTE_PT, BAND_PT, DRAFT_PT = 18, 14, 12, 10.5, 8, 16
TABLE_PT = {FORM_STATISTICS: 11, FORM_CASES: 10}

# Simplified Chinese families, named so that Qt never falls back to a Japanese variant:
# Windows first, then the Noto CJK SC fonts of Linux.
SERIF_FAMILIES = ("SimSun", "FangSong", "Noto Serif CJK SC", "Noto Sans CJK SC")
HEI_FAMILIES = ("SimHei", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Serif CJK SC")

# 附件2: how the width is shared among the columns of the definition (others get 1.2).
CASE_COLUMN_WEIGHTS = {"number": 1.15, "name": 1.8, "handling_unit": 1.4, "source": 1.0,
                       "summary": 3.6, "result": 1.8, "remarks": 1.0}
CASE_COLUMNS_CENTRED = {"number", "source"}

DRAFT_MARK = "草稿"
DRAFT_LINE = "草稿:本月数据尚未导出,此件仅供核对,不作正式报送。"
CORRECTING_LINE = "草稿:本月正在更正,请导出第{n}版后再打印正式件;此件仅供核对,不作正式报送。"
NO_CASES = "本月无查处案件"
CONTINUED = "(续)"

INK = QColor(0, 0, 0)
DRAFT_RED = QColor(200, 0, 0)


@cache
def _installed_first(families: tuple[str, ...]) -> tuple[str, ...]:
    from .app import chinese_family

    best = chinese_family(families)
    return (best, *[x for x in families if x != best]) if best else families


def font(families: tuple[str, ...], points: float, bold: bool = False) -> QFont:
    """A font naming its Simplified Chinese family explicitly, best installed one first."""
    f = QFont()
    f.setFamilies(list(_installed_first(families)))
    f.setPointSizeF(points)
    f.setBold(bold)
    # The CJK fonts' 'locl' swaps digits in Latin runs for glyphs that Qt's PDF writer
    # cannot map back to text ("SHA256" would read "SHA"); the SC fonts need no locl.
    f.setFeature(QFont.Tag("locl"), 0)
    return f


class Wrapped:
    """Text broken into lines of one width, each line at a fixed pitch, drawn by range."""

    def __init__(self, text: str, qfont: QFont, width: float, device,
                 align=Qt.AlignmentFlag.AlignLeft, drawn: DrawnText | None = None):
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\u2028")
        self.text, self.font, self.drawn = text, qfont, drawn
        self.layout = QTextLayout(text, qfont, device)
        option = QTextOption(align)
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.layout.setTextOption(option)
        self.pitch = QFontMetricsF(qfont, device).lineSpacing()
        self.layout.beginLayout()
        count = 0
        while (line := self.layout.createLine()).isValid():
            line.setLineWidth(width)
            line.setPosition(QPointF(0, count * self.pitch))
            count += 1
        self.layout.endLayout()
        self.lines = count

    def height(self, first: int = 0, end: int | None = None) -> float:
        end = self.lines if end is None else end
        return max(0, min(end, self.lines) - first) * self.pitch

    def draw(self, painter: QPainter, x: float, top: float, first: int = 0,
             end: int | None = None) -> None:
        end = self.lines if end is None else min(end, self.lines)
        for i in range(first, end):
            line = self.layout.lineAt(i)
            line.draw(painter, QPointF(x, top - first * self.pitch))
            if self.drawn is not None:
                self.drawn.record(self.font.families()[0], self.font.bold(),
                                  self.text[line.textStart():line.textStart() + line.textLength()])

    def natural_width(self) -> float:
        return max((self.layout.lineAt(i).naturalTextWidth() for i in range(self.lines)),
                   default=0.0)


class Canvas:
    """The printer's drawable area, with millimetres turned into device pixels."""

    def __init__(self, printer: QPrinter, stamped: bool, drawn: DrawnText | None = None):
        self.device = printer
        self.drawn = drawn  # what is drawn, for the PDF's text (see pdf_text)
        self.dpi = printer.resolution()
        area = printer.pageRect(QPrinter.Unit.DevicePixel)
        self.width = area.width()
        self.height = area.height()
        band = STAMPED_BAND_MM if stamped else FOOTER_BAND_MM
        self.band_top = self.height - self.mm(band)

    def mm(self, value: float) -> float:
        return value * self.dpi / 25.4

    def wrap(self, text: str, qfont: QFont, width: float, align=Qt.AlignmentFlag.AlignLeft):
        return Wrapped(text, qfont, width, self.device, align, self.drawn)


# ---------------------------------------------------------------- tables

@dataclass
class HeaderCell:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1


@dataclass
class TableSpec:
    weights: list[float]
    aligns: list[Qt.AlignmentFlag]
    header: list[HeaderCell]
    header_rows: int
    body: list[list[str]]
    bold_rows: set[int] = field(default_factory=set)  # the 合计 row
    empty_text: str = ""  # one full-width row when the body is empty


class Table:
    """A table spec laid out on a canvas: column edges, header cells, wrapped body cells."""

    def __init__(self, spec: TableSpec, canvas: Canvas, points: float, min_row_mm: float):
        self.spec, self.canvas = spec, canvas
        total = sum(spec.weights)
        self.edges = [0.0]
        for w in spec.weights:
            self.edges.append(self.edges[-1] + canvas.width * w / total)
        self.pad = canvas.mm(CELL_PAD_MM)
        self.min_row = canvas.mm(min_row_mm)
        self.font = font(SERIF_FAMILIES, points)
        self.bold = font(SERIF_FAMILIES, points, bold=True)
        self._lay_out_header()
        self.rows = [self._wrap_row(i, cells) for i, cells in enumerate(spec.body)]
        if not spec.body and spec.empty_text:
            self.rows = [[canvas.wrap(spec.empty_text, self.font, canvas.width - 2 * self.pad,
                                      Qt.AlignmentFlag.AlignHCenter)]]

    def _span_width(self, col: int, span: int) -> float:
        return self.edges[col + span] - self.edges[col]

    def _lay_out_header(self) -> None:
        spec = self.spec
        wrapped = [self.canvas.wrap(c.text, self.bold, self._span_width(c.col, c.colspan)
                                    - 2 * self.pad, Qt.AlignmentFlag.AlignHCenter)
                   for c in spec.header]
        heights = [self.canvas.mm(HEADER_ROW_MM)] * spec.header_rows
        for cell, w in zip(spec.header, wrapped):  # single-row cells set their row's height
            if cell.rowspan == 1:
                heights[cell.row] = max(heights[cell.row], w.height() + 2 * self.pad)
        for cell, w in zip(spec.header, wrapped):  # a tall spanning cell stretches its last row
            rows = range(cell.row, cell.row + cell.rowspan)
            lack = w.height() + 2 * self.pad - sum(heights[r] for r in rows)
            if lack > 0:
                heights[rows[-1]] += lack
        tops = [sum(heights[:r]) for r in range(spec.header_rows + 1)]
        self.header_cells = [
            (QRectF(self.edges[c.col], tops[c.row], self._span_width(c.col, c.colspan),
                    tops[c.row + c.rowspan] - tops[c.row]), w)
            for c, w in zip(spec.header, wrapped)
        ]
        self.header_height = tops[-1]

    def _wrap_row(self, index: int, cells: list[str]) -> list[Wrapped]:
        qfont = self.bold if index in self.spec.bold_rows else self.font
        return [self.canvas.wrap(text, qfont, self._span_width(col, 1) - 2 * self.pad,
                                 self.spec.aligns[col] | Qt.AlignmentFlag.AlignAbsolute)
                for col, text in enumerate(cells)]

    def row_lines(self, row: int) -> int:
        return max(w.lines for w in self.rows[row])

    def fragment_height(self, row: int, first: int, end: int) -> float:
        tallest = max(w.height(first, end) for w in self.rows[row])
        return max(self.min_row, tallest + 2 * self.pad)

    def lines_fitting(self, row: int, space: float) -> int:
        """How many lines of the row fit in `space`."""
        pitch = self.rows[row][0].pitch
        return max(0, int((space - 2 * self.pad) // pitch))

    def draw_header(self, painter: QPainter, top: float) -> None:
        for rect, w in self.header_cells:
            rect = rect.translated(0, top)
            painter.drawRect(rect)
            w.draw(painter, rect.left() + self.pad, rect.center().y() - w.height() / 2)

    def draw_fragment(self, painter: QPainter, top: float, row: int, first: int, end: int,
                      height: float) -> None:
        cells = self.rows[row]
        if len(cells) == 1 and len(self.edges) > 2:  # the "no cases" row spans the table
            spans = [(0, len(self.edges) - 1)]
        else:
            spans = [(col, 1) for col in range(len(cells))]
        for (col, span), w in zip(spans, cells):
            rect = QRectF(self.edges[col], top, self._span_width(col, span), height)
            painter.drawRect(rect)
            text_height = w.height(first, end)
            if first == 0 and end >= self.row_lines(row):  # a whole row: centred vertically
                text_top = rect.center().y() - text_height / 2
            else:  # a broken row reads on from the top
                text_top = rect.top() + self.pad
            if first > 0 and col == 0 and span == 1 and first >= w.lines:
                label = self.continued_label(row)  # say whose row goes on here
                label.draw(painter, rect.left() + self.pad, text_top)
            else:
                w.draw(painter, rect.left() + self.pad, text_top, first, end)

    def continued_label(self, row: int) -> Wrapped:
        return self.canvas.wrap(self.spec.body[row][0] + "\n" + CONTINUED, self.font,
                                self._span_width(0, 1) - 2 * self.pad, self.spec.aligns[0])


def cell_text(value: Value) -> str:
    if value is None:
        return ""
    return str(value) if isinstance(value, int) else format_amount(value)


def statistics_table(source: PrintSource) -> TableSpec:
    """附件1: 案件类别, then the measures under their groups, six categories and 合计."""
    form = source.form
    measures = form.measures
    header = [HeaderCell(form.category_heading, 0, 0, rowspan=2)]
    col = 1
    while col <= len(measures):
        m = measures[col - 1]
        if m.group is None:
            header.append(HeaderCell(m.heading, 0, col, rowspan=2))
            col += 1
            continue
        span = 1
        while col - 1 + span < len(measures) and measures[col - 1 + span].group == m.group:
            span += 1
        header.append(HeaderCell(m.group, 0, col, colspan=span))
        for i in range(span):
            header.append(HeaderCell(measures[col - 1 + i].heading, 1, col + i))
        col += span
    grid = source.month.statistics
    body = [[c] + [cell_text(grid[c][m.key]) for m in measures] for c in form.categories]
    totals = totals_row(form, grid)
    body.append([form.total_label] + [cell_text(totals[m.key]) for m in measures])
    centre = Qt.AlignmentFlag.AlignHCenter
    return TableSpec(weights=[1.15] + [1.0] * len(measures), aligns=[centre] * (1 + len(measures)),
                     header=header, header_rows=2, body=body, bold_rows={len(body) - 1})


def cases_table(source: PrintSource) -> TableSpec:
    """附件2: the definition's case columns, one row per case in the month's order."""
    columns = source.form.case_columns
    return TableSpec(
        weights=[CASE_COLUMN_WEIGHTS.get(c.key, 1.2) for c in columns],
        aligns=[Qt.AlignmentFlag.AlignHCenter if c.key in CASE_COLUMNS_CENTRED
                else Qt.AlignmentFlag.AlignLeft for c in columns],
        header=[HeaderCell(c.heading, 0, i) for i, c in enumerate(columns)],
        header_rows=1,
        body=[[case.text(c.key) for c in columns] for case in source.month.cases],
        empty_text=NO_CASES,
    )


# ---------------------------------------------------------------- flowing into pages

class Block:
    """Something placed on a page at a height; `draw` paints it with its top at `top`."""

    height: float = 0.0

    def draw(self, painter: QPainter, top: float) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class TextBlock(Block):
    def __init__(self, wrapped: Wrapped):
        self.wrapped = wrapped
        self.height = wrapped.height()

    def draw(self, painter, top):
        self.wrapped.draw(painter, 0, top)


class LineBlock(Block):
    """One line with text at the left and, optionally, at the right (地区 … / month)."""

    def __init__(self, canvas: Canvas, left: str, right: str, qfont: QFont):
        self.left = canvas.wrap(left, qfont, canvas.width * 0.6)
        self.right = canvas.wrap(right, qfont, canvas.width * 0.4, Qt.AlignmentFlag.AlignRight)
        self.x_right = canvas.width * 0.6
        self.height = max(self.left.height(), self.right.height())

    def draw(self, painter, top):
        self.left.draw(painter, 0, top)
        self.right.draw(painter, self.x_right, top)


class Spacer(Block):
    def __init__(self, height: float):
        self.height = height

    def draw(self, painter, top):
        pass


class HeaderBlock(Block):
    def __init__(self, table: Table):
        self.table, self.height = table, table.header_height

    def draw(self, painter, top):
        self.table.draw_header(painter, top)


class RowBlock(Block):
    """A table row, or the part of it between two line numbers when it breaks over pages."""

    def __init__(self, table: Table, row: int, first: int, end: int):
        self.table, self.row, self.first, self.end = table, row, first, end
        self.height = table.fragment_height(row, first, end)

    def draw(self, painter, top):
        self.table.draw_fragment(painter, top, self.row, self.first, self.end, self.height)


class SignBlock(Block):
    """填报单位(盖章):unit  填报人  联系电话  填报日期, the seal over the unit's name.

    The seal is printed only on an exported month's paper, centred on the unit's name.

    The items share a line, spread across the width; what does not fit moves to a second
    line, set to the right (on portrait A4 that is the date, as on a signed form).
    """

    def __init__(self, canvas: Canvas, printed: PrintedForm, source: PrintSource):
        # A draft is not for filing: it never carries the electronic seal.
        self.canvas = canvas
        self.seal = source.seal if source.stamp is not None else None
        profile = source.profile
        day = source.printed_on
        values = [profile.unit, profile.filler, profile.phone] if profile else ["", "", ""]
        labels = [*printed.footer, "填报日期:"]
        values.append(date_text(day))
        qfont = font(SERIF_FAMILIES, LINE_PT)
        items = [canvas.wrap(label + value, qfont, canvas.width)
                 for label, value in zip(labels, values)]
        gap = canvas.mm(SIGN_GAP_MM)
        lines: list[list[Wrapped]] = [[]]
        used = 0.0
        for item in items:
            if lines[-1] and used + gap + item.natural_width() > canvas.width:
                lines.append([])
                used = 0.0
            used += (gap if lines[-1] else 0) + item.natural_width()
            lines[-1].append(item)
        pitch = items[0].pitch + canvas.mm(3)
        self.placed: list[tuple[float, float, Wrapped]] = []  # x, y, item
        for n, line in enumerate(lines):
            widths = [w.natural_width() for w in line]
            if len(line) > 1:
                spacing = (canvas.width - sum(widths)) / (len(line) - 1)
                x = 0.0
            else:
                spacing, x = 0.0, (canvas.width - widths[0]) if n else 0.0
            for w, width in zip(line, widths):
                self.placed.append((x, canvas.mm(2) + n * pitch, w))
                x += width + spacing
        # The seal is centred on the unit's name, as a stamp would be.
        unit_x, unit_y, unit = self.placed[0]
        label = canvas.wrap(labels[0], qfont, canvas.width).natural_width()
        self.seal_centre = QPointF(unit_x + (label + unit.natural_width()) / 2,
                                   unit_y + unit.pitch / 2)
        self.height = canvas.mm(4) + len(lines) * pitch - canvas.mm(3)

    def draw(self, painter, top):
        for x, y, w in self.placed:
            w.draw(painter, x, top + y)
        if self.seal is not None:
            side = self.canvas.mm(SEAL_MM)
            size = self.seal.size().scaled(int(side), int(side), Qt.AspectRatioMode.KeepAspectRatio)
            centre = self.seal_centre + QPointF(0, top)
            target = QRectF(centre.x() - size.width() / 2, centre.y() - size.height() / 2,
                            size.width(), size.height())
            painter.drawImage(target, self.seal)


@dataclass
class Page:
    blocks: list[tuple[float, Block]] = field(default_factory=list)


class Flow:
    """Places blocks top to bottom, starting a new page when the next one does not fit."""

    def __init__(self, canvas: Canvas, continuation_caption):
        self.canvas = canvas
        self.caption = continuation_caption  # () -> Block for the top of pages 2, 3, …
        self.pages = [Page()]
        self.y = 0.0

    @property
    def space(self) -> float:
        return self.canvas.band_top - self.y

    def add(self, block: Block) -> None:
        self.pages[-1].blocks.append((self.y, block))
        self.y += block.height

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = 0.0
        self.add(self.caption())
        self.add(Spacer(self.canvas.mm(GAP_MM)))

    def add_together(self, blocks: list[Block]) -> None:
        """Blocks that stay on one page (the signature line with the note)."""
        if sum(b.height for b in blocks) > self.space and self.pages[-1].blocks:
            self.new_page()
        for block in blocks:
            self.add(block)

    def add_table(self, table: Table) -> None:
        """The header at the top of every page the table runs over; rows break cleanly."""
        header = HeaderBlock(table)
        least_row = table.fragment_height(0, 0, 1) if table.rows else 0
        if header.height + least_row > self.space:
            self.new_page()
        self.add(header)
        for row in range(len(table.rows)):
            first, lines, fresh = 0, table.row_lines(row), False
            while True:
                whole = RowBlock(table, row, first, lines)
                if whole.height <= self.space:
                    self.add(whole)
                    break
                remaining = lines - first
                cut = min(table.lines_fitting(row, self.space), remaining - MIN_SPLIT_LINES)
                if cut < MIN_SPLIT_LINES and fresh:  # too tall even for a page of its own
                    cut = max(1, min(table.lines_fitting(row, self.space), remaining - 1))
                if cut >= MIN_SPLIT_LINES or (fresh and cut >= 1):
                    self.add(RowBlock(table, row, first, first + cut))
                    first += cut
                self.new_page()
                self.add(header)
                fresh = True


def lay_out(canvas: Canvas, source: PrintSource, form_no: int) -> list[Page]:
    """The whole form flowed into pages (drawn later by `render`)."""
    form = source.form
    printed = form.statistics_form if form_no == FORM_STATISTICS else form.cases_form
    region = source.profile.region if source.profile else ""
    month_label = form.month(source.month.period).label
    line_font = font(SERIF_FAMILIES, LINE_PT)

    def caption() -> Block:
        text = (f"{printed.attachment}  {printed.title}{CONTINUED}    "
                f"{printed.region_text(region)}    {month_label}")
        return TextBlock(canvas.wrap(text, line_font, canvas.width * 0.8))

    flow = Flow(canvas, caption)
    flow.add(TextBlock(canvas.wrap(printed.attachment, font(HEI_FAMILIES, LABEL_PT),
                                   canvas.width)))
    flow.add(Spacer(canvas.mm(2)))
    flow.add(TextBlock(canvas.wrap(printed.title, font(SERIF_FAMILIES, TITLE_PT, bold=True),
                                   canvas.width, Qt.AlignmentFlag.AlignHCenter)))
    flow.add(Spacer(canvas.mm(4)))
    flow.add(LineBlock(canvas, printed.region_text(region), f"填报月份:{month_label}",
                       line_font))
    flow.add(Spacer(canvas.mm(2)))
    spec = statistics_table(source) if form_no == FORM_STATISTICS else cases_table(source)
    flow.add_table(Table(spec, canvas, TABLE_PT[form_no], BODY_ROW_MM[form_no]))
    note_font = font(SERIF_FAMILIES, NOTE_PT)
    notes = [TextBlock(canvas.wrap(n, note_font, canvas.width))
             for n in printed.notes_text(source.emails)]
    flow.add_together([Spacer(canvas.mm(GAP_MM)), SignBlock(canvas, printed, source),
                       Spacer(canvas.mm(GAP_MM)), *notes])
    return flow.pages


# ---------------------------------------------------------------- painting

def draw_qr(painter: QPainter, payload: str, rect: QRectF) -> None:
    """The payload as a QR code filling `rect`, drawn as vector squares (sharp at any dpi)."""
    import segno

    matrix = segno.make(payload, error="m", micro=False).matrix
    quiet = 4
    modules = len(matrix) + 2 * quiet
    step = min(rect.width(), rect.height()) / modules
    path = QPainterPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):  # one rectangle per horizontal run of dark modules
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.addRect(QRectF(rect.left() + (quiet + start) * step,
                                    rect.top() + (quiet + r) * step, (c - start) * step, step))
            else:
                c += 1
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
    painter.fillRect(QRectF(rect.topLeft(), rect.topLeft() + QPointF(modules * step,
                                                                     modules * step)),
                     Qt.GlobalColor.white)
    painter.fillPath(path, Qt.GlobalColor.black)
    painter.restore()


def draw_page_furniture(painter: QPainter, canvas: Canvas, source: PrintSource,
                        number: int, count: int) -> None:
    """What every page carries: draft mark or fingerprints and QR, and the page number."""
    band_font = font(SERIF_FAMILIES, BAND_PT)
    page_text = canvas.wrap(f"第 {number} 页 共 {count} 页", font(SERIF_FAMILIES, NOTE_PT),
                            canvas.width, Qt.AlignmentFlag.AlignHCenter)
    bottom = canvas.height
    stamp = source.stamp
    painter.save()
    if stamp is None:
        line = canvas.wrap(source.draft_line, band_font, canvas.mm(BAND_TEXT_MM))
        painter.setPen(DRAFT_RED)
        line.draw(painter, 0, bottom - line.height())
        mark_font = font(HEI_FAMILIES, DRAFT_PT, bold=True)
        mark = canvas.wrap(DRAFT_MARK, mark_font, canvas.width)
        pad = canvas.mm(1.5)
        box = QRectF(canvas.width - mark.natural_width() - 2 * pad, 0,
                     mark.natural_width() + 2 * pad, mark.height() + 2 * pad)
        painter.drawRect(box)
        mark.draw(painter, box.left() + pad, box.top() + pad)
    else:
        side = canvas.mm(QR_MM)
        draw_qr(painter, stamp.qr_payload, QRectF(canvas.width - side, bottom - side, side, side))
        changed = (f"(签名密钥已更换,上一版为 {stamp.previous_key_fingerprint})"
                   if stamp.previous_key_fingerprint else "")
        lines = canvas.wrap(
            f"电子数据包指纹:{stamp.bundle_fingerprint}\n签名密钥指纹:{stamp.key_fingerprint}"
            f"{changed}\n第{stamp.revision}版。扫码或核对指纹可找到对应的电子数据包。",
            band_font, canvas.mm(BAND_TEXT_MM))
        lines.draw(painter, 0, bottom - lines.height())
    painter.restore()
    page_text.draw(painter, 0, bottom - page_text.height())


def render(printer: QPrinter, source: PrintSource, forms: tuple[int, ...],
           drawn: DrawnText | None = None) -> int:
    """Paint the forms on `printer`, each numbered on its own; the number of pages.

    With one form the printer's page layout is left as it is (the preview's settings win);
    with several, each form gets its own A4 orientation.
    """
    painter = QPainter()
    total = 0
    try:
        for index, form_no in enumerate(forms):
            if len(forms) > 1:
                set_page_layout(printer, form_no)  # applies from the next page on
            if index == 0:
                begin(painter, printer)
            else:
                printer.newPage()
            total += paint_form(painter, printer, source, form_no, drawn)
    finally:
        if painter.isActive():
            painter.end()
    return total


def begin(painter: QPainter, printer: QPrinter) -> None:
    if not painter.begin(printer):
        target = printer.outputFileName()
        raise UserError(f"无法写入 {target}。" if target else "无法开始打印。",
                        ["请检查文件夹是否存在、文件是否被其他程序打开,或打印机是否可用。"])


def paint_form(painter: QPainter, printer: QPrinter, source: PrintSource, form_no: int,
               drawn: DrawnText | None = None) -> int:
    canvas = Canvas(printer, stamped=source.stamp is not None, drawn=drawn)
    pages = lay_out(canvas, source, form_no)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = QPen(INK)
    pen.setWidthF(canvas.mm(0.25))
    for number, page in enumerate(pages, start=1):
        if number > 1:
            printer.newPage()
        painter.setPen(pen)
        for top, block in page.blocks:
            block.draw(painter, top)
        painter.setPen(pen)
        draw_page_furniture(painter, canvas, source, number, len(pages))
    return len(pages)


def radicals_in_use(drawn: DrawnText) -> None:
    """For each font: which drawn ideograph shares its glyph with which radical."""
    from PySide6.QtGui import QRawFont

    radicals = "".join(chr(c) for c in RADICALS)
    for family, bold in drawn.characters:
        raw = QRawFont.fromFont(font((family,), LINE_PT, bold))
        by_glyph = dict(zip(raw.glyphIndexesForString(radicals), radicals))
        chars = sorted(c for c in drawn.characters[(family, bold)]
                       if 0x3000 < ord(c) <= 0xFFFF)
        table = {}
        for ch, glyph in zip(chars, raw.glyphIndexesForString("".join(chars))):
            if glyph and glyph in by_glyph:
                table[by_glyph[glyph]] = ch
        drawn.radicals[(family, bold)] = table


# ---------------------------------------------------------------- entry points

def check_forms(form_no: int | None) -> tuple[int, ...]:
    """The forms to print: the one asked for, or both when None."""
    if form_no is None:
        return (FORM_STATISTICS, FORM_CASES)
    if form_no not in (FORM_STATISTICS, FORM_CASES):
        raise UserError(f"没有附件{form_no}。",
                        ["--form 1 打印附件1(统计表),--form 2 打印附件2(案件信息表)。"])
    return (form_no,)


def printed_form(source: PrintSource, form_no: int) -> PrintedForm:
    form = source.form
    return form.statistics_form if form_no == FORM_STATISTICS else form.cases_form


def document_name(source: PrintSource, forms: tuple[int, ...]) -> str:
    titles = " ".join(f"{printed_form(source, f).attachment} {printed_form(source, f).title}"
                      for f in forms)
    unit = source.profile.unit if source.profile else ""
    return f"{titles} {unit} {source.form.month(source.month.period).label}"


def set_page_layout(printer: QPrinter, form_no: int) -> None:
    """A4 in the form's orientation, with our margins."""
    printer.setPageLayout(QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4), ORIENTATION[form_no],
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter))


def new_printer(source: PrintSource, forms: tuple[int, ...]) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    set_page_layout(printer, forms[0])
    printer.setDocName(document_name(source, forms))
    printer.setCreator("剑网填报")
    return printer


def write_pdf(source: PrintSource, form_no: int | None, path: str | Path) -> int:
    """Form 1, form 2 or (None) both as a PDF file at `path`; the number of pages."""
    forms = check_forms(form_no)
    printer = new_printer(source, forms)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    drawn = DrawnText()
    pages = render(printer, source, forms, drawn)
    radicals_in_use(drawn)
    path = Path(path)
    path.write_bytes(repair_pdf_text(path.read_bytes(), drawn))
    return pages


def print_preview_dialog(parent, store, period: str, form_no: int,
                         stamp: PrintStamp | None = None):
    """A QPrintPreviewDialog of form 1 or 2, ready to show or exec.

    One form at a time: a printer (unlike a PDF file) cannot turn the page between forms.
    """
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    if form_no is None:
        raise UserError("请选择要预览的是附件1 还是附件2。")
    forms = check_forms(form_no)
    source = print_source(store, period, stamp)
    printer = new_printer(source, forms)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(document_name(source, forms))
    dialog.paintRequested.connect(lambda p: render(p, source, forms))
    dialog.printer_ = printer  # the dialog does not own it; keep it as long as the dialog
    # Qt's own size (about 700×480) shows an A4 page at some 38 %: too small to read.
    area = (parent.screen() if parent is not None else dialog.screen()).availableGeometry()
    dialog.resize(area.width() * 9 // 10, area.height() * 9 // 10)
    return dialog


def show_print_preview(parent, store, period: str, form_no: int,
                       stamp: PrintStamp | None = None) -> int:
    """The print preview of form 1 or 2 (print, or save as PDF, from there); its result.

    `stamp` is the month's latest export, None while the month is a draft.
    """
    return print_preview_dialog(parent, store, period, form_no, stamp).exec()
