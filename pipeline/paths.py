"""Where the project's folders are, overridable for tests and for running elsewhere (no heavy imports here)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CACHE_DIR = PROJECT_ROOT / ".cache"
"""What can be made again from the code alone (compiled templates, the empty intake template); gitignored."""


def default_paths() -> tuple[Path, Path]:
    """raw/ and published/ of this project, or PIPELINE_RAW_DIR and PIPELINE_OUT_DIR when set."""
    raw = Path(os.environ.get("PIPELINE_RAW_DIR", PROJECT_ROOT / "raw"))
    out = Path(os.environ.get("PIPELINE_OUT_DIR", PROJECT_ROOT / "published"))
    return raw, out
