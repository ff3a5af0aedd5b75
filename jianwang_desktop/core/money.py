"""Exact numbers: counts are integers, amounts in 万元 are Decimals with few places.

Nothing here ever goes through a binary float: text is parsed straight into Decimal and
sums are exact.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Iterable

# The limits of every count and amount, typed, imported or added up (a 合计, a 市(州)'s
# total): resources/schema/jianwang-data-1.schema.json states the same (tests/test_money.py
# checks that it does). Far beyond any real case; they catch typing accidents.
MAX_COUNT = 10**9  # inclusive
AMOUNT_PLACES = 4
AMOUNT_INTEGER_DIGITS = 10
# Exclusive: below 1e10 万元, so with 4 places at most 14 significant digits, which Excel
# (15 digits) keeps exactly.
MAX_AMOUNT = Decimal(10) ** AMOUNT_INTEGER_DIGITS

_COUNT_TEXT = re.compile(r"^[0-9]+$")
_AMOUNT_TEXT = re.compile(r"^[0-9]+(\.[0-9]*)?$|^\.[0-9]+$")
# Full-width digits and punctuation that Chinese input methods produce.
_FULLWIDTH = str.maketrans("\uff10\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff19\uff0e\uff0c\u3002",
                           "0123456789.,.")


class NumberError(ValueError):
    """A value that is not an acceptable count or amount; the message is for the user.

    Callers put the measure's label before it (“罚款金额不能为负数”), so the message
    never names the kind of number itself."""


def _clean(text: str) -> str:
    text = text.translate(_FULLWIDTH).strip()
    # Thousands separators as typed or pasted from Excel: "1,234.5"
    if re.fullmatch(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?", text):
        text = text.replace(",", "")
    return text


def parse_count(value: object) -> int:
    """A whole number >= 0, from an int or the text a person typed."""
    if isinstance(value, bool):
        raise NumberError("应填写整数")
    if isinstance(value, int):
        number = value
    elif isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise NumberError("应填写整数,不能有小数")
        number = int(value)
    elif isinstance(value, str):
        text = _clean(value)
        if text.startswith("-"):
            raise NumberError("不能为负数")
        if re.fullmatch(r"[0-9]+\.0*", text):
            text = text.split(".")[0]
        if not _COUNT_TEXT.match(text):
            if re.fullmatch(r"[0-9]*\.[0-9]+", text):
                raise NumberError("应填写整数,不能有小数")
            raise NumberError("应填写整数(阿拉伯数字)")
        number = int(text)
    else:
        raise NumberError("应填写整数")
    if number < 0:
        raise NumberError("不能为负数")
    if number > MAX_COUNT:
        raise NumberError("数值过大,请核对")
    return number


def parse_amount(value: object, places: int = AMOUNT_PLACES) -> Decimal:
    """An amount in 万元 >= 0 with at most `places` decimals, from text, int or Decimal."""
    if isinstance(value, bool) or isinstance(value, float):
        # A float has already lost exactness; amounts must travel as text.
        raise NumberError("应以文本形式的数字填写")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal):
        number = value
    elif isinstance(value, str):
        text = _clean(value)
        if text.startswith("-"):
            raise NumberError("不能为负数")
        if not _AMOUNT_TEXT.match(text):
            raise NumberError("应填写金额数字(单位:万元),如 1.5")
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern already rules it out
            raise NumberError("应填写金额数字(单位:万元),如 1.5") from None
    else:
        raise NumberError("应填写金额数字(单位:万元)")
    if not number.is_finite():
        raise NumberError("应填写金额数字(单位:万元)")
    if number < 0:
        raise NumberError("不能为负数")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise NumberError(f"最多保留 {places} 位小数(单位:万元)")
    if number >= MAX_AMOUNT:
        raise NumberError("数值过大,请核对(单位:万元)")
    if number == 0:
        number = abs(number)  # never "-0"
    return number


def limit_problem(value: int | Decimal) -> str | None:
    """Why an exact count (int) or amount (Decimal), e.g. a total, is beyond the limits."""
    if isinstance(value, Decimal):
        if value >= MAX_AMOUNT:
            return f"超出上限(金额应小于 {MAX_AMOUNT:,} 万元)"
        return None
    if value > MAX_COUNT:
        return f"超出上限(件数最多 {MAX_COUNT:,})"
    return None


def format_amount(amount: Decimal) -> str:
    """Plain positional text, keeping the places the user gave: 12.30 stays '12.30'."""
    text = format(amount, "f")
    return "0" if text in ("-0", "") else text


def sum_amounts(amounts: Iterable[Decimal]) -> Decimal:
    return sum(amounts, Decimal(0))
