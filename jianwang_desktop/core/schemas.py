"""The JSON Schemas of the interchange documents (resources/schema/), and checking a
document against one of them.

Two validators read the same schema. jsonschema-rs, a native one, says whether a
document is valid: some 30 ms for a month of 10,000 cases, where jsonschema took about
3 s (an export checks its own bundle, and a province checks every bundle it receives).
jsonschema, whose errors the messages are made from (where, which rule, which limit),
says where and why when it is not.

Where the two could read a document differently, jsonschema decides:
- `interchange.parse_json` reads a number with a fraction or an exponent as a Decimal.
  jsonschema-rs takes a whole one (1.0, 2e0) for an integer, jsonschema never does: a
  document holding a Decimal goes to jsonschema.
- A text jsonschema-rs cannot take (a lone surrogate) makes it raise: jsonschema then.
- Where jsonschema-rs is the stricter (a pattern's `$` before a final line break, which
  Python's `re` lets match), it only sends the document to jsonschema, which decides.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from typing import Any

from .errors import UserError
from .resources import resource_path

TOO_DEEP = "JSON 嵌套层数过多,不是本程序的数据文件。"


@cache
def schema(name: str) -> dict:
    """resources/schema/<name>, e.g. "jianwang-data-1.schema.json"."""
    return json.loads(resource_path("schema", name).read_text("utf-8"))


@cache
def _native(name: str):
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(schema(name))


@cache
def _explaining(name: str):
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(name))


def schema_errors(document: Any, name: str) -> list:
    """Where `document` breaks the schema `name`: jsonschema's errors in the document's
    order, [] when it is valid."""
    if not _holds_decimal(document):
        try:
            if _native(name).is_valid(document):
                return []
        except (ValueError, TypeError, OverflowError):  # a value it cannot take (a lone
            pass  # surrogate raises UnicodeEncodeError): jsonschema decides
    try:
        return sorted(_explaining(name).iter_errors(document),
                      key=lambda e: [str(p) for p in e.path])
    except RecursionError:  # jsonschema quotes a value nested near Python's limit in its message
        raise UserError(TOO_DEEP) from None


def _holds_decimal(document: Any) -> bool:
    pending = [document]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, Decimal):
            return True
    return False
