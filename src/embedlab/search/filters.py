r"""Metadata filters: a small JSON query language compiled to SQLite ``json_extract`` conditions.

``{"lang": "en"}`` is equality; an operator object compares: ``{"year": {"$gte": 2020}}``,
``{"tag": {"$in": ["a", "b"]}}``; fields are AND-ed. Field names are checked (letters, digits,
``_``, ``-``, ``.`` for nested fields) and values are bound as SQL parameters, never pasted in.

>>> filter_sql({"lang": "en", "year": {"$gte": 2020}})
('json_extract(metadata, \'$."lang"\') = ? AND json_extract(metadata, \'$."year"\') >= ?', ['en', 2020])
"""

from __future__ import annotations

from typing import Any

from embedlab.errors import ConfigError

__all__ = ["filter_sql"]

_OPS = {"$eq": "=", "$ne": "!=", "$gt": ">", "$gte": ">=", "$lt": "<", "$lte": "<="}


def filter_sql(flt: dict[str, Any]) -> tuple[str, list[Any]]:
    """SQL for a metadata filter: ``{"field": value}``, ``{"field": {"$in": [...]}}``, ``$gt``... (AND-ed)."""
    if not isinstance(flt, dict) or not flt:
        raise ConfigError('filter must be a non-empty JSON object such as {"lang": "en"}')
    parts: list[str] = []
    args: list[Any] = []
    for key, cond in flt.items():
        if not isinstance(key, str) or not key.replace("_", "").replace(".", "").replace("-", "").isalnum():
            raise ConfigError(f"filter field {key!r} must be letters, digits, '_', '-' or '.'")
        col = f"json_extract(metadata, '$.\"{key}\"')" if "." not in key else f"json_extract(metadata, '$.{key}')"
        conds = cond if isinstance(cond, dict) else {"$eq": cond}
        if not conds:
            raise ConfigError(f'filter field {key!r} has an empty condition; give a value or {{"$gte": ...}}')
        _check_range(key, conds)
        for op, val in conds.items():
            if op in ("$in", "$nin"):
                if not isinstance(val, list) or not val:
                    raise ConfigError(f"{op} needs a non-empty list, got {val!r}")
                neg = "NOT " if op == "$nin" else ""
                parts.append(f"{col} {neg}IN ({','.join('?' * len(val))})")
                args += [_sql_value(v) for v in val]
            elif op in _OPS:
                parts.append(f"{col} {_OPS[op]} ?")
                args.append(_sql_value(val))
            else:
                raise ConfigError(f"unknown filter operator {op!r}; use one of {', '.join([*_OPS, '$in', '$nin'])}")
    return " AND ".join(parts), args


def _check_range(key: str, conds: dict[str, Any]) -> None:
    """A range whose bounds leave nothing between them is a mistake, not an empty answer."""
    low = [(v, op == "$gt") for op, v in conds.items() if op in ("$gt", "$gte") and _is_number(v)]
    high = [(v, op == "$lt") for op, v in conds.items() if op in ("$lt", "$lte") and _is_number(v)]
    for lo, strict_lo in low:
        for hi, strict_hi in high:
            if lo > hi or (lo == hi and (strict_lo or strict_hi)):
                raise ConfigError(f"filter field {key!r}: the range from {lo} to {hi} holds no value")


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _sql_value(v: Any) -> Any:
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int) and not -(2**63) <= v < 2**63:
        raise ConfigError(f"filter value {v} is past the 64-bit integers metadata numbers are stored as")
    if v is None or isinstance(v, (int, float, str)):
        return v
    raise ConfigError(f"filter values must be strings, numbers or booleans, got {v!r}")
