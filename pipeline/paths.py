"""Where the project's folders are, overridable for tests and for running elsewhere (no heavy imports here).

The project's folder holds what the code reads and writes beside itself: schemas/, site/, raw/, published/,
dagster.yaml. `make` runs the code from that folder (it installs the package editable), so it is the folder the
package sits in. A copy installed with `pip install .` lives in site-packages, away from that folder: it then uses
PIPELINE_PROJECT_ROOT when set, otherwise the current directory, and says so when schemas/ is not there.
"""

from __future__ import annotations

import os
from pathlib import Path


def _project_root() -> Path:
    if "PIPELINE_PROJECT_ROOT" in os.environ:
        return Path(os.environ["PIPELINE_PROJECT_ROOT"]).resolve()
    beside = Path(__file__).resolve().parent.parent
    return beside if (beside / "schemas").is_dir() else Path.cwd()


PROJECT_ROOT = _project_root()
CACHE_DIR = PROJECT_ROOT / ".cache"
"""What can be made again from the code alone (compiled templates, the empty intake template); gitignored."""
SCHEMAS_DIR = PROJECT_ROOT / "schemas"


def default_paths() -> tuple[Path, Path]:
    """raw/ and published/ of this project, or PIPELINE_RAW_DIR and PIPELINE_OUT_DIR when set."""
    raw = Path(os.environ.get("PIPELINE_RAW_DIR", PROJECT_ROOT / "raw"))
    out = Path(os.environ.get("PIPELINE_OUT_DIR", PROJECT_ROOT / "published"))
    return raw, out
