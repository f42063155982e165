"""``python -m pipeline``: the command line (pipeline/cli.py)."""

import gc
import sys

from pipeline.cli import main

if __name__ == "__main__":
    # The command allocates millions of small objects that stay alive while it runs; the cyclic garbage collector
    # would keep walking them. Cycles are collected before each year instead (runner.freeze_heap).
    gc.disable()
    sys.exit(main())
