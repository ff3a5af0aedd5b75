"""Checks driven by the form definition; every finding says where and what, in Chinese."""

from __future__ import annotations

import operator
import re
from decimal import Decimal
from functools import cache
from types import MappingProxyType
from typing import NamedTuple

from .domain import Profile, geography
from .formdef import FormDefinition, Measure, Rule
from .money import NumberError, format_amount, limit_problem, parse_amount, parse_count
from .records import CaseRecord, Grid, MonthData, Value, totals_row, zero_of

ERROR = "error"
WARNING = "warning"
SEVERITY_LABEL = {ERROR: "错误", WARNING: "提示"}

_OPERATORS = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}

# Landline with area code (028-86697093, 0816-2345678, optional extension) or a mobile;
# compiled (and cached by re) when a phone number is first checked, not at start-up.
_LANDLINE = r"^0\d{2,3}-\d{7,8}(?:(?:-|转|ext\.?)\d{1,6})?$"
_MOBILE = r"^1[3-9]\d{9}$"
_ALLOWED_CONTROLS = {"\n", "\r", "\t"}
# What text_problem refuses character by character: control characters other than the
# allowed ones (Unicode category Cc is exactly U+0000–001F and U+007F–009F) and lone
# surrogates (Cs). Text with none of them, nearly all text, is passed by one regex search
# instead of a Python loop over its characters. Compiled when text is first checked (half a
# millisecond, for the range of surrogates): no text is checked before the window paints.
@cache
def _suspect_chars() -> re.Pattern:
    return re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


class Finding(NamedTuple):
    """A problem found by a check: an error or a warning, and where it is."""
    severity: str
    message: str
    section: str  # "statistics", "case", "profile"
    category: str | None = None
    measure: str | None = None
    case_index: int | None = None  # position in the month's list of cases
    case_number: str | None = None
    field: str | None = None
    rule: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def location(self, form: FormDefinition) -> str:
        if self.section == "statistics":
            where = form.statistics_form.attachment
            if self.category:
                where += f" {self.category}"
            if self.measure:
                where += f" {form.measure(self.measure).label}"
            return where
        if self.section == "case":
            where = f"{form.cases_form.attachment} 第{(self.case_index or 0) + 1}条"
            if self.case_number:
                where += f"(编号 {self.case_number})"
            if self.field:
                where += f" {field_label(form, self.field)}"
            return where
        return "填报信息"

    def describe(self, form: FormDefinition) -> str:
        return f"[{SEVERITY_LABEL[self.severity]}] {self.location(form)}:{self.message}"


def field_label(form: FormDefinition, key: str) -> str:
    if key == "category":
        return form.category_heading
    try:
        return form.case_column(key).heading
    except KeyError:
        pass
    try:
        return form.measure(key).label
    except KeyError:
        return {"region": "地区", "department": "部门", "unit": "填报单位", "filler": "填报人",
                "phone": "联系电话"}.get(key, key)


# ---------------------------------------------------------------- single values


def parse_measure(measure: Measure, raw: object) -> int | Decimal:
    """Turn what a person typed into an exact value, or raise NumberError with the reason."""
    if measure.is_amount:
        return parse_amount(raw, measure.places)
    return parse_count(raw)


def parse_cell(measure: Measure, raw: object) -> Value:
    """Like parse_measure, but blank text means a blank cell."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    return parse_measure(measure, raw)


def text_problem(text: str, max_length: int, multiline: bool, required: bool) -> str | None:
    if not isinstance(text, str):
        return "应为文本"
    if required and text.strip() == "":
        return "必须填写"
    if len(text) > max_length:
        return f"过长:最多 {max_length} 个字,现有 {len(text)} 个字"
    if not _suspect_chars().search(text) and (multiline or ("\n" not in text and "\r" not in text)):
        return None
    import unicodedata  # only for text with suspect characters: not at start-up

    for ch in text:
        if ch in _ALLOWED_CONTROLS:
            if not multiline and ch != "\t":
                return "不能换行"
            continue
        category = unicodedata.category(ch)
        if category == "Cs":
            return "含有无法识别的字符(残缺的 Unicode 代理项)"
        if category == "Cc":
            return f"含有不可见的控制字符(U+{ord(ch):04X}),请删除后重新输入"
    return None


def phone_problem(phone: str) -> str | None:
    phone = phone.strip() if isinstance(phone, str) else ""
    if not phone:
        return "必须填写联系电话"
    if re.match(_LANDLINE, phone) or re.match(_MOBILE, phone):
        return None
    return "联系电话格式不对:固定电话写区号-号码(如 028-86697093、0816-2345678,分机可写 -123),手机写 11 位号码"


def validate_profile(profile: Profile) -> list[Finding]:
    findings: list[Finding] = []
    geo = geography()

    def bad(field_name: str, message: str) -> None:
        findings.append(Finding(ERROR, message, "profile", field=field_name))

    if profile.region != geo.province and profile.region not in geo.regions:
        bad("region", f"“{profile.region}”不是{geo.province}的市(州)。")
    elif geo.department(profile.region, profile.department) is None:
        names = "、".join(d.name for d in geo.departments_of(profile.region))
        bad("department", f"{profile.region}没有“{profile.department}”这个填报部门(可选:{names})。")
    for key, limit in (("unit", 100), ("filler", 30)):
        problem = text_problem(getattr(profile, key), limit, False, True)
        if problem:
            bad(key, f"{field_label_plain(key)}{problem}")
    # As data.json carries it (phone_problem reads it without the white space around it,
    # line breaks among it, which the receivers refuse).
    problem = text_problem(profile.phone, 40, False, False)
    problem = f"{field_label_plain('phone')}{problem}" if problem else phone_problem(profile.phone)
    if problem:
        bad("phone", problem)
    return findings


def field_label_plain(key: str) -> str:
    return {"unit": "填报单位", "filler": "填报人", "phone": "联系电话"}.get(key, key)


# ---------------------------------------------------------------- rules


def _operand(term: object, values: dict[str, Value]) -> Value:
    if isinstance(term, str):
        return values.get(term)
    if isinstance(term, (int, Decimal)):
        return term
    return Decimal(str(term))


def _holds(condition: tuple, values: dict[str, Value]) -> bool | None:
    """True/False, or None when a measure it needs is blank."""
    left, op, right = condition
    a, b = _operand(left, values), _operand(right, values)
    if a is None or b is None:
        return None
    return _OPERATORS[op](a, b)


def _shown(value: Value) -> str:
    if isinstance(value, Decimal):
        return format_amount(value)
    return "空" if value is None else str(value)


def rule_findings(rule: Rule, values: dict[str, Value]) -> str | None:
    """The rule's message when `values` break it, else None."""
    if rule.when is not None and _holds(rule.when, values) is not True:
        return None
    if _holds(rule.require, values) is not False:
        return None
    return rule.message.format(**{k: _shown(v) for k, v in values.items()})


# ---------------------------------------------------------------- forms


def validate_grid(form: FormDefinition, grid: Grid) -> list[Finding]:
    findings: list[Finding] = []
    for category in form.categories:
        row = grid.get(category, {})
        for measure in form.measures:
            value = row.get(measure.key)
            if value is None:
                findings.append(
                    Finding(ERROR, "未填写:没有数字请填 0(空格不等于 0)", "statistics",
                            category, measure.key)
                )
                continue
            # A value within the limits as typed may still be beyond them as a sum (a
            # 市(州)'s own figures plus its departments'); export would make a bundle that
            # no verifier accepts.
            problem = limit_problem(value)
            if problem:
                findings.append(Finding(ERROR, f"{_shown(value)} {problem},请核对", "statistics",
                                        category, measure.key))
        for rule in form.rules:
            if "statistics" not in rule.applies_to:
                continue
            message = rule_findings(rule, row)
            if message:
                findings.append(
                    Finding(rule.severity, message, "statistics", category,
                            _rule_target(rule), rule=rule.id)
                )
    for key, total in totals_row(form, grid).items():
        problem = limit_problem(total) if total is not None else None
        if problem:
            findings.append(Finding(
                ERROR, f"{form.total_label} {_shown(total)} {problem},请核对各类别的数字",
                "statistics", measure=key))
    return findings


def _rule_target(rule: Rule) -> str:
    left = rule.when[0] if rule.when else rule.require[0]
    return left if isinstance(left, str) else rule.require[0]


def validate_case(form: FormDefinition, case: CaseRecord, index: int,
                  figures_seen: dict[int, tuple] | None = None) -> list[Finding]:
    """`figures_seen`, kept across the cases of one month's check: the problems of each
    read-only mapping of figures, by its identity. Cases read from the store share one
    mapping per set of figures they have alike, so each set is checked once. A plain dict
    (a case being edited, built or imported) may change between two calls and is checked
    every time; a mapping is kept with its problems, so that its identity is not given
    to another while the memo lives."""
    findings: list[Finding] = []

    def bad(field_name: str, message: str, severity: str = ERROR, rule: str | None = None):
        findings.append(Finding(severity, message, "case", case_index=index,
                                case_number=case.number or None, field=field_name, rule=rule))

    for column in form.case_columns:
        problem = text_problem(case.text(column.key), column.max_length, column.multiline,
                               column.required)
        if problem and column.key == "source" and case.source.strip() == "":
            problem += f"(如{'、'.join(form.sources[:3])}等)"  # what to fill in instead
        if problem:
            bad(column.key, f"{column.heading}{problem}")
    if not case.category:
        bad("category", f"{form.category_heading}必须选择")
    elif case.category not in form.categories:
        bad("category", f"{form.category_heading}应为{'、'.join(form.categories)}之一")
    figures = case.measures
    if figures_seen is None or not isinstance(figures, MappingProxyType):
        problems = _figure_problems(form, figures)
    else:
        seen = figures_seen.get(id(figures))
        if seen is None:
            seen = figures_seen[id(figures)] = (figures, _figure_problems(form, figures))
        problems = seen[1]
    for field_name, message, severity, rule in problems:
        bad(field_name, message, severity, rule)
    return findings


def _figure_problems(form: FormDefinition, measures) -> list[tuple]:
    """(field, message, severity, rule id) of what is wrong with one case's figures."""
    problems = []
    for measure in form.measures:
        value = measures.get(measure.key)
        if value is None:
            continue
        try:
            parse_measure(measure, value)
        except NumberError as e:
            problems.append((measure.key, f"{measure.label}{e}", ERROR, None))
    # A blank figure of a case adds nothing to 附件1 (grid_from_cases): to the rules, a 0.
    counted = {key: zero_of(form, key) if measures.get(key) is None else measures[key]
               for key in form.measure_keys}
    for rule in form.rules:
        if "cases" in rule.applies_to:
            message = rule_findings(rule, counted)
            if message:
                problems.append((_rule_target(rule), message, rule.severity, rule.id))
    return problems


def storable_problems(form: FormDefinition, case: CaseRecord) -> list[str]:
    """What must be put right before a case may be stored at all.

    A case being typed may still lack required fields (the findings list shows them);
    what would damage the data (bad numbers, control characters, over-long text, an
    unknown category) is refused.
    """
    problems = []
    for column in form.case_columns:
        problem = text_problem(case.text(column.key), column.max_length, column.multiline, False)
        if problem:
            problems.append(f"{column.heading}{problem}")
    if case.category and case.category not in form.categories:
        problems.append(f"{form.category_heading}应为{'、'.join(form.categories)}之一")
    for key, value in case.measures.items():
        try:
            parse_measure(form.measure(key), value)
        except KeyError:
            problems.append(f"没有“{key}”这一项数字")
        except NumberError as e:
            problems.append(f"{form.measure(key).label}{e}")
    return problems


def validate_cases(form: FormDefinition, cases: list[CaseRecord]) -> list[Finding]:
    findings: list[Finding] = []
    first_seen: dict[str, int] = {}
    figures_seen: dict[int, tuple] = {}
    for index, case in enumerate(cases):
        findings.extend(validate_case(form, case, index, figures_seen))
        key = case.number.strip()
        if not key:
            continue
        if key in first_seen:
            findings.append(Finding(
                ERROR, f"编号“{key}”与第{first_seen[key] + 1}条重复,编号必须唯一", "case",
                case_index=index, case_number=key, field="number"))
        else:
            first_seen[key] = index
    return findings


def validate_month(form: FormDefinition, month: MonthData) -> list[Finding]:
    return validate_grid(form, month.statistics) + validate_cases(form, month.cases)


