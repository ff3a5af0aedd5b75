"""Campaign figures for the 工作总结 and the province's summary workbook.

The same numbers as `rollup`: per month and campaign to date, by category, exact. As text
for the clerk to paste, or as an .xlsx (one sheet for the campaign to date, one per month,
and at the province a sheet with the completeness matrix), written with core/excel.py's
sheet writer so that it looks like the notice's 附件1.
"""

from __future__ import annotations

from datetime import datetime

from .completeness import Matrix
from .formdef import FormDefinition
from .money import format_amount
from .records import Grid, Value, totals_row


def _shown(value: Value) -> str:
    if value is None:
        return "—"
    return format_amount(value) if not isinstance(value, int) else str(value)


def figures_cells(form: FormDefinition, values: dict[str, Value]) -> list[str]:
    return [_shown(values[k]) for k in form.measure_keys]


def figures_text(form: FormDefinition, unit: str, months: dict[str, Grid],
                 to_date: Grid) -> list[str]:
    """Lines to paste into the 工作总结: campaign to date, then each month."""
    header = [form.category_heading] + [f"{m.label}({m.unit})" for m in form.measures]
    lines = [f"{unit}“{form.campaign}”专项行动数据({'、'.join(form.month(p).label for p in months)})"]

    def block(title: str, grid: Grid) -> None:
        lines.append("")
        lines.append(title)
        lines.append("\t".join(header))
        for category in form.categories:
            lines.append("\t".join([category] + figures_cells(form, grid[category])))
        lines.append("\t".join([form.total_label] + figures_cells(form, totals_row(form, grid))))

    block("专项行动累计", to_date)
    for period, grid in months.items():
        block(form.month(period).label, grid)
    return lines


def summary_workbook_bytes(form: FormDefinition, unit: str, region: str,
                           months: dict[str, Grid], to_date: Grid, matrix: Matrix | None,
                           created: datetime) -> bytes:
    from . import excel

    wb = excel._new_workbook(created, f"{unit}{form.campaign}汇总")
    first = True
    for title, grid in [("累计", to_date)] + [(form.month(p).label, g) for p, g in months.items()]:
        ws = wb.active if first else wb.create_sheet()
        first = False
        ws.title = title
        _totals_sheet(form, ws, region, f"{unit}:{'专项行动累计' if title == '累计' else title}", grid)
    if matrix is not None:
        _matrix_sheet(form, wb.create_sheet("报送情况"), unit, matrix)
    return excel.workbook_bytes(wb, created)


def _totals_sheet(form: FormDefinition, ws, region: str, subtitle: str, grid: Grid) -> None:
    from . import excel

    columns = excel.statistics_columns(form)
    w = excel._SheetWriter(ws, columns)
    printed = form.statistics_form
    w.merged_text(excel.LABEL_ROW, 1, w.ncols, subtitle)
    w.merged_text(excel.TITLE_ROW, 1, w.ncols, printed.title, font=w.title_font,
                  horizontal="center")
    w.merged_text(excel.REGION_ROW, 1, w.ncols, printed.region_text(region))
    w.header()
    row = excel.first_body_row(columns)
    for category in form.categories:
        w.body_row(row, [category] + [grid[category][k] for k in form.measure_keys])
        row += 1
    totals = totals_row(form, grid)
    w.body_row(row, [form.total_label] + [totals[k] for k in form.measure_keys], bold=True)
    w.page(landscape=False)


def _matrix_sheet(form: FormDefinition, ws, unit: str, matrix: Matrix) -> None:
    from . import excel

    columns = [excel.Column("报送单位", None, 30, "text")] + [
        excel.Column(f"{form.month(p).label}\n({form.month(p).due.month}月{form.month(p).due.day}日截止)",
                     None, 18, "text") for p in matrix.periods]
    w = excel._SheetWriter(ws, columns)
    w.merged_text(excel.TITLE_ROW, 1, w.ncols, f"“{form.campaign}”各地报送情况",
                  font=w.title_font, horizontal="center")
    w.merged_text(excel.REGION_ROW, 1, w.ncols, f"汇总单位:{unit}")
    w.header()
    row = excel.first_body_row(columns)
    for sender in matrix.senders:
        w.body_row(row, [sender.label] + [matrix.cell(sender, p).label for p in matrix.periods])
        row += 1
    senders = len(matrix.senders)
    w.body_row(row, ["已报 / 应报"] + [
        f"{senders - matrix.status_count(p, 'missing') - matrix.status_count(p, 'not_due')}"
        f" / {senders}" for p in matrix.periods], bold=True)
    w.page(landscape=True)
