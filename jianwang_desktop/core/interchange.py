"""The interchange format jianwang-data/1: one office's month as JSON (docs/data-format.md).

Reading is strict: the file is checked against resources/schema/ and the campaign's
form definition before anything is stored, and every problem names its field.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from .domain import Profile
from .errors import UserError, visible
from .formdef import FormDefinition, load_form
from .money import NumberError
from .records import CASE_TEXT_FIELDS, CaseRecord, Grid, MonthData, empty_grid, zero_of
from .schemas import TOO_DEEP, schema_errors
from .store import Store, encode_value
from .validation import field_label, parse_measure, storable_problems, text_problem

DATA_FORMAT = "jianwang-data/1"
MAX_JSON_BYTES = 64 * 1024 * 1024
MAX_REPORTED = 30
HEADER_KEYS = ("region", "department", "unit", "filler", "phone")


DATA_SCHEMA = "jianwang-data-1.schema.json"


# ---------------------------------------------------------------- writing


def month_to_dict(form: FormDefinition, profile: Profile, month: MonthData,
                  contributions: list[dict] | None = None) -> dict[str, Any]:
    """contributions: at a 市(州)版权局, the departments' figures inside `statistics`."""
    def plain(value):
        return None if value is None else _json_value(value)

    data = {
        "format": DATA_FORMAT,
        "campaign": form.campaign,
        **profile.as_dict(),
        "period": month.period,
        "statistics": {
            c: {k: plain(month.statistics[c][k]) for k in form.measure_keys}
            for c in form.categories
        },
        "cases": [_case_to_dict(form, case) for case in month.cases],
    }
    if contributions is not None:
        data["contributions"] = contributions
    return data


def _json_value(value: int | Decimal) -> int | str:
    return encode_value(value) if isinstance(value, Decimal) else int(value)


def _case_to_dict(form: FormDefinition, case: CaseRecord) -> dict[str, Any]:
    out: dict[str, Any] = {k: case.text(k) for k in CASE_TEXT_FIELDS}
    out["category"] = case.category
    for key in form.measure_keys:
        out[key] = _json_value(case.measures.get(key, zero_of(form, key)))
    return out


def dumps(data: dict[str, Any]) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=2)` plus a newline, the same text.
    With an indent, json encodes through its pure-Python encoder, a generator per level
    and value; this writes the same layout directly, the strings through json's own
    C string encoder, which makes a big month's data.json several times faster."""
    return _indented(data, "\n") + "\n"


def _indented(value: Any, newline: str) -> str:
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if kind is int:
        return int.__repr__(value)
    if kind is dict and value and all(type(k) is str for k in value):
        inner = newline + "  "
        items = [f"{_encode_string(k)}: {_indented(v, inner)}" for k, v in value.items()]
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if kind is list and value:
        inner = newline + "  "
        return "[" + inner + ("," + inner).join(_indented(v, inner) for v in value) + newline + "]"
    # Anything else (None, booleans, floats, empty containers, other keys): json itself,
    # indented from this level on as json.dumps would.
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", newline) if "\n" in text else text


_encode_string = json.encoder.encode_basestring  # the C encoder where available


def dump_month(store: Store, period: str) -> str:
    """The month as exported: at a 市(州)版权局 the city total, at the province its totals."""
    from .rollup import combined_month, contribution_dicts

    profile = store.profile()
    if profile is None:
        raise UserError("还没有设置填报单位信息,请先运行 jianwang init 或在程序中完成设置。")
    return dumps(month_to_dict(store.form, profile, combined_month(store, period),
                               contribution_dicts(store, period)))


# ---------------------------------------------------------------- reading


def _name(value: Any) -> str:
    """A name or value taken from the file, shortened for a message."""
    return visible(value, 40)


def _no_duplicate_keys(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise UserError(f"JSON 文件中字段“{_name(key)}”出现了两次,无法判断以哪个为准。")
        out[key] = value
    return out


def _bounded_int(digits: str) -> int:
    # Python refuses to convert more than 4300 digits with a ValueError; no count is that long.
    if len(digits.lstrip("-")) > 30:
        raise UserError(f"JSON 文件中有一个过长的数字({len(digits)} 位),不是件数或金额。")
    return int(digits)


def _no_constants(name):
    raise UserError(f"JSON 文件中有非法的数值 {name}。")


def parse_json(raw: bytes) -> Any:
    if len(raw) > MAX_JSON_BYTES:
        raise UserError(f"文件过大({len(raw) // 1024 // 1024} MB),不是一个月的填报数据。")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UserError("文件不是 UTF-8 编码的 JSON 文本。") from None
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicate_keys,
            parse_float=Decimal,
            parse_int=_bounded_int,
            parse_constant=_no_constants,
        )
    except json.JSONDecodeError as e:
        raise UserError(f"文件不是有效的 JSON:第 {e.lineno} 行第 {e.colno} 列附近有错。") from None
    except RecursionError:
        raise UserError(TOO_DEEP) from None


def _where(path, form: FormDefinition) -> str:
    parts = list(path)
    if not parts:
        return "文件"
    if parts[0] == "cases" and len(parts) >= 2 and isinstance(parts[1], int):
        where = f"第{parts[1] + 1}条案件"
        if len(parts) >= 3:
            where += f"的“{field_label(form, str(parts[2]))}”({_name(parts[2])})"
        return where
    if parts[0] == "statistics" and len(parts) >= 2:
        where = f"统计表“{_name(parts[1])}”行"
        if len(parts) >= 3:
            where += f"的“{field_label(form, str(parts[2]))}”({_name(parts[2])})"
        return where
    return "字段 " + ".".join(_name(p) for p in parts)


def _number_problem(error, form: FormDefinition) -> str | None:
    """Why a value where a count or amount belongs is refused, as parse_count/parse_amount
    say it; None when the place is not a measure or the value is in fact acceptable."""
    key = error.path[-1] if error.path else None
    if not isinstance(key, str) or key not in form.measure_keys:
        return None
    try:
        _json_measure(form, key, error.instance)
    except NumberError as e:
        return str(e)
    return None


def _schema_message(error, form: FormDefinition) -> str:
    kind = error.validator
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"缺少字段“{missing}”"
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"有不认识的字段:{'、'.join(map(_name, extra[:MAX_REPORTED]))}"
    if kind == "const":
        return f"应为 {json.dumps(error.validator_value, ensure_ascii=False)}"
    if kind == "type":
        names = {"string": "文本", "integer": "整数", "object": "对象", "array": "列表",
                 "null": "空值"}
        expected = error.validator_value
        expected = [expected] if isinstance(expected, str) else expected
        return "类型不对,应为" + "或".join(names.get(t, t) for t in expected)
    if kind == "anyOf":
        problem = _number_problem(error, form)
        if problem:
            return problem
        return "应为 0 或正整数(件数),或文本形式的金额(如 \"1.5\",最多 4 位小数)"
    if kind == "pattern":
        return "格式不对"
    if kind in ("maxLength", "maxItems", "maxProperties"):
        return f"过长或过多(上限 {error.validator_value})"
    if kind == "minLength":
        return "不能为空"
    if kind in ("minimum", "maximum"):
        return "超出允许范围"
    return "不符合格式要求"


def _check_schema(data: Any, form: FormDefinition) -> None:
    errors = schema_errors(data, DATA_SCHEMA)
    if errors:
        details = [f"{_where(e.path, form)}:{_schema_message(e, form)}"
                   for e in errors[:MAX_REPORTED]]
        if len(errors) > MAX_REPORTED:
            details.append(f"……另有 {len(errors) - MAX_REPORTED} 处错误")
        raise UserError("数据文件格式不对,未导入任何数据:", details)


def _json_measure(form: FormDefinition, key: str, raw: Any) -> Any:
    """Counts travel as JSON integers and amounts as decimal strings; nothing else."""
    measure = form.measure(key)
    if measure.is_amount and not isinstance(raw, str):
        raise NumberError("金额应写成带引号的文本,如 \"1.5\"")
    if not measure.is_amount and isinstance(raw, str):
        raise NumberError("件数应写成不带引号的整数,如 3")
    return parse_measure(measure, raw)


def read_header(data: Any) -> tuple[FormDefinition, list[str]]:
    """The first part of reading a month: its format, campaign and schema (a UserError when
    wrong), then what is wrong with its office and month, to be reported with the rest."""
    if not isinstance(data, dict):
        raise UserError("数据文件格式不对:最外层应为一个 JSON 对象。")
    if data.get("format") != DATA_FORMAT:
        raise UserError(f"不是剑网填报的数据文件(format 应为 {DATA_FORMAT})。")
    campaign = data.get("campaign")
    form = load_form(campaign if isinstance(campaign, str) else "")
    _check_schema(data, form)
    problems = []
    for key in HEADER_KEYS:  # lengths are the schema's; here: no line breaks or controls
        problem = text_problem(data[key], MAX_JSON_BYTES, multiline=False, required=False)
        if problem:
            problems.append(f"{field_label(form, key)}({key}):{problem}")
    if data["period"] not in form.periods:
        problems.append(f"月份 {data['period']} 不在“{form.campaign}”的填报月份"
                        f"({'、'.join(form.periods)})内")
    return form, problems


def month_from_dict(data: Any) -> tuple[FormDefinition, dict[str, str], MonthData]:
    """Check and convert; raises UserError listing every problem (nothing is stored)."""
    form, problems = read_header(data)
    grid = empty_grid(form)
    for category, row in data["statistics"].items():
        if category not in grid:
            problems.append(f"统计表:没有“{_name(category)}”这个案件类别")
            continue
        for key, raw in row.items():
            if key not in form.measure_keys:
                problems.append(f"统计表“{category}”行:有不认识的字段“{_name(key)}”")
                continue
            try:
                grid[category][key] = None if raw is None else _json_measure(form, key, raw)
            except NumberError as e:
                problems.append(f"统计表“{category}”行的“{form.measure(key).label}”:{e}")
    cases = []
    seen_numbers: dict[str, int] = {}
    for index, item in enumerate(data["cases"]):
        where = f"第{index + 1}条案件"
        case = CaseRecord(**{k: item[k] for k in CASE_TEXT_FIELDS}, category=item["category"])
        for key, raw in item.items():
            if key in CASE_TEXT_FIELDS or key == "category":
                continue
            if key not in form.measure_keys:
                problems.append(f"{where}:有不认识的字段“{_name(key)}”")
                continue
            try:
                case.measures[key] = _json_measure(form, key, raw)
            except NumberError as e:
                problems.append(f"{where}的“{form.measure(key).label}”:{e}")
        for key in form.measure_keys:
            case.measures.setdefault(key, zero_of(form, key))
        problems.extend(f"{where}:{p}" for p in storable_problems(form, case))
        number = case.number.strip()
        if number:
            if number in seen_numbers:
                problems.append(f"{where}:编号“{_name(number)}”与第{seen_numbers[number] + 1}条重复")
            else:
                seen_numbers[number] = index
        cases.append(case)
    if problems:
        shown = problems[:MAX_REPORTED]
        if len(problems) > MAX_REPORTED:
            shown.append(f"……另有 {len(problems) - MAX_REPORTED} 处错误")
        raise UserError("数据文件内容有误,未导入任何数据:", shown)
    header = {k: data[k] for k in HEADER_KEYS}
    return form, header, MonthData(data["period"], grid, cases)


def contribution_grids(form: FormDefinition, data: dict) -> list[tuple[str, Grid]]:
    """The `contributions` of a 市(州)版权局's data.json as exact grids (schema already checked)."""
    out, problems = [], []
    for entry in data.get("contributions") or []:
        grid = empty_grid(form)
        for category, row in entry["statistics"].items():
            for key, raw in row.items():
                if category not in grid or key not in form.measure_keys:
                    problems.append(f"{entry['department']}:没有“{category}”“{key}”这一项")
                    continue
                try:
                    grid[category][key] = None if raw is None else _json_measure(form, key, raw)
                except NumberError as e:
                    problems.append(f"{entry['department']}“{category}”行的"
                                    f"“{form.measure(key).label}”:{e}")
        out.append((entry["department"], grid))
    if problems:
        raise UserError("contributions 中的数字有误:", problems[:MAX_REPORTED])
    return out


def own_figures(form: FormDefinition, total: Grid,
                parts: list[tuple[str, Grid]]) -> tuple[Grid, list[tuple[str, str]]]:
    """A 市(州)版权局's own figures: its total less each department's (as the data format
    says), and the cells (category, measure key) where the departments' figures exceed the
    total, which no total of the office's own can be."""
    own, beyond = empty_grid(form), []
    for category in form.categories:
        for key in form.measure_keys:
            value = total[category][key]
            if value is None:
                continue
            value -= sum(g[category][key] for _, g in parts if g[category][key] is not None)
            if value < 0:
                beyond.append((category, key))
            own[category][key] = value
    return own, beyond


def load_into_store(store: Store, raw: bytes, replace: bool = False) -> MonthData:
    """Import one month from jianwang-data/1 bytes; all or nothing."""
    data = parse_json(raw)
    form, header, month = month_from_dict(data)
    if data.get("contributions"):
        # The departments come back with their bundles, not as the office's own figures.
        own, beyond = own_figures(form, month.statistics, contribution_grids(form, data))
        if beyond:
            raise UserError("数据文件中的合计与 contributions 不符,未导入任何数据:", [
                f"“{category}”行的“{form.measure(key).label}”合计小于各部门数字之和"
                for category, key in beyond][:MAX_REPORTED])
        month = MonthData(month.period, own, month.cases)
    if form.campaign != store.form.campaign:
        raise UserError(
            f"文件属于“{form.campaign}”,而本数据库是“{store.form.campaign}”,未导入。"
        )
    profile = store.profile()
    if profile is None:
        raise UserError("还没有设置填报单位信息,请先运行 jianwang init。")
    if (header["region"], header["department"]) != (profile.region, profile.department):
        raise UserError(
            f"文件是{header['region']}{header['department']}的数据,"
            f"本数据库属于{profile.region}{profile.department},未导入。"
        )
    if store.has_data(month.period) and not replace:
        raise UserError(
            f"{form.month(month.period).label}已有数据,未导入。确实要用文件内容替换时请加 --replace。"
        )
    if store.has_data(month.period) and not store.is_locked(month.period):
        # What is replaced can be had back: 工具 → 备份与恢复…, or jianwang backup restore.
        from . import backup

        try:
            backup.backup_now(store, "import", month.period)
        except UserError as e:
            raise UserError("整月替换前必须先备份数据库,但备份没有成功;没有导入,数据不变。",
                            [e.message, *e.details]) from None
    store.replace_month(month)
    return month
