"""indented_json writes what json.dumps(..., ensure_ascii=False, indent=n) writes, for any value."""

import enum
import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.export.json_text import indented_json

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),  # any code point: control characters, quotes, backslashes, surrogates
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.lists(inner, max_size=5).map(tuple),
        st.dictionaries(st.text(max_size=8), inner, max_size=5),
    ),
    max_leaves=40,
)


def same_as_json(value, indent: int) -> bool:
    return indented_json(value, indent) == json.dumps(value, ensure_ascii=False, indent=indent)


@settings(max_examples=300, deadline=None)
@given(VALUES, st.integers(min_value=0, max_value=4))
def test_same_text_as_the_standard_library(value, indent):
    assert same_as_json(value, indent)


class Colour(enum.IntEnum):
    RED = 1


class Label(enum.StrEnum):
    A = "あ"


def test_values_only_json_dumps_knows_are_left_to_it():
    for value in (
        {"n": Colour.RED, "s": Label.A, "f": math.pi},  # subclasses of int and str
        {1: "non-string key", None: 2, 2.5: True},
        [{"nested": {"deep": [[], {}, [()]]}}],
        "改行\n\tタブ\u2028と\x00",
    ):
        for indent in (0, 1, 2):
            assert same_as_json(value, indent)


def _outcome(call, value):
    try:
        return call(value)
    except (TypeError, ValueError) as exc:
        return type(exc), str(exc)


def test_what_json_dumps_refuses_is_refused_the_same_way():
    cycle: list = []
    cycle.append(cycle)
    for value in (cycle, {"set": {1, 2}}, {"bytes": b"x"}):
        ours = _outcome(lambda v: indented_json(v, 1), value)
        assert isinstance(ours, tuple)
        assert ours == _outcome(lambda v: json.dumps(v, ensure_ascii=False, indent=1), value)
