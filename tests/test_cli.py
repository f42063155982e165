"""The command line's handling of the garbage collector between years (pipeline/__main__.py)."""

import gc
import weakref

from pipeline.__main__ import _freeze_heap


class _Node:
    pass


def test_cycles_a_year_leaves_with_the_collector_paused_are_collected_before_the_next_year():
    was_enabled = gc.isenabled()
    gc.disable()  # as `python -m pipeline` runs
    try:
        _freeze_heap()  # before the first year
        node = _Node()
        node.itself = node  # a reference cycle, as a run leaves them
        left = weakref.ref(node)
        del node
        assert left() is not None  # the paused collector has not freed it
        _freeze_heap()  # before the next year
        assert left() is None
    finally:
        gc.unfreeze()
        if was_enabled:
            gc.enable()
