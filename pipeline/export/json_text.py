"""Indented JSON text, the same as ``json.dumps(value, ensure_ascii=False, indent=n)``, written faster.

With an indent, the standard library encodes in pure Python, one generator step per value, which is slow for a
large year's per-project downloads. Here the strings still go through the standard library's
C escaping, and everything else is joined in one pass. Anything this writer does not know (a value that is not
plain JSON data, a key that is not a string, a reference cycle) is left to ``json.dumps`` itself, so the text is
always the standard library's; tests/test_json_text.py compares the two.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring


class _NotPlain(Exception):
    """The value holds something only json.dumps knows how to write (or refuse)."""


def _float(value: float) -> str:
    if math.isfinite(value):
        return float.__repr__(value)
    return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")


# The text of a scalar by its exact type (a subclass, such as an enum, is left to json.dumps).
_SCALAR = {
    str: encode_basestring,
    int: int.__repr__,
    float: _float,
    bool: lambda value: "true" if value else "false",
    type(None): lambda value: "null",
}


def _text(value: object, newline: str, step: str) -> str:
    write = _SCALAR.get(type(value))
    if write is not None:
        return write(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        inner = newline + step
        items = []
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            write = _SCALAR.get(type(item))
            items.append(encode_basestring(key) + ": " + (write(item) if write else _text(item, inner, step)))
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        inner = newline + step
        items = [write(item) if (write := _SCALAR.get(type(item))) else _text(item, inner, step) for item in value]
        return "[" + inner + ("," + inner).join(items) + newline + "]"
    raise _NotPlain


def indented_json(value: object, indent: int) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=indent)``, character for character."""
    try:
        return _text(value, "\n", " " * indent)
    except (_NotPlain, RecursionError):
        return json.dumps(value, ensure_ascii=False, indent=indent)
