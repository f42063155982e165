"""Release: a year's files are assembled aside and replace the published ones in a single step.

Until the swap, published/ is untouched, so a run that fails anywhere before it (bad input, failed check,
crash) leaves the previous release exactly as it was. On Linux the swap is one ``renameat2`` call with
``RENAME_EXCHANGE``; elsewhere it is two renames, and an interrupted swap is repaired at the next run.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

STAGING = ".staging"
PREVIOUS_SUFFIX = ".previous"


def data_dir(out_dir: Path, fiscal_year: int) -> Path:
    """Where a year's published data lives: published/data/<FY>/."""
    return out_dir / "data" / str(fiscal_year)


def site_dir(out_dir: Path, fiscal_year: int | None = None) -> Path:
    """Where the site lives: published/site/ (the web root), a year's build in published/site/<FY>/."""
    return out_dir / "site" / str(fiscal_year) if fiscal_year else out_dir / "site"


def staging_dir(out_dir: Path, name: str) -> Path:
    return out_dir / STAGING / name


def fresh_staging(out_dir: Path, name: str) -> Path:
    """An empty staging folder (leftovers of a failed run are discarded)."""
    path = staging_dir(out_dir, name)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def write_files(folder: Path, files: dict[str, bytes]) -> dict[str, int]:
    """Write each file and return its size in bytes."""
    for name, content in sorted(files.items()):
        (folder / name).write_bytes(content)
    return {name: len(content) for name, content in sorted(files.items())}


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux renameat2). False when the system cannot."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def repair_interrupted_swap(target: Path) -> None:
    """If a two-step swap was interrupted after moving the old release aside, put it back."""
    previous = target.with_name(target.name + PREVIOUS_SUFFIX)
    if previous.exists():
        if target.exists():
            shutil.rmtree(previous)
        else:
            previous.rename(target)


def _exchange_or_move(staged: Path, target: Path) -> None:
    """Put ``staged`` at ``target``; afterwards ``staged`` holds the previous release (if there was one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    repair_interrupted_swap(target)
    if not target.exists():
        staged.rename(target)
    elif not _exchange(staged, target):
        previous = target.with_name(target.name + PREVIOUS_SUFFIX)
        target.rename(previous)
        staged.rename(target)
        previous.rename(staged)


@contextmanager
def year_lock(out_dir: Path, fiscal_year: int) -> Iterator[None]:
    """Only one run at a time may swap a year's release in (each run stages in its own folder, so two runs
    of one year never write into the same files; this lock keeps their swaps from interleaving)."""
    lock_dir = out_dir / STAGING
    lock_dir.mkdir(parents=True, exist_ok=True)
    with (lock_dir / f"{fiscal_year}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def swap_in(*pairs: tuple[Path, Path]) -> None:
    """Replace each target with its staged folder, all or none: if one swap fails, the ones already done
    are swapped back, so a year's data and site never come from two different runs."""
    done: list[tuple[Path, Path]] = []
    try:
        for staged, target in pairs:
            _exchange_or_move(staged, target)
            done.append((staged, target))
    except BaseException:
        for staged, target in reversed(done):
            if staged.exists():
                _exchange_or_move(staged, target)
            else:
                target.rename(staged)
        raise
    for staged, _ in done:
        if staged.exists():
            shutil.rmtree(staged)


def replace_file(path: Path, data: bytes) -> None:
    """Write a file so that readers see either the old or the new content, never a partial one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.new")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def published_digest(out_dir: Path, fiscal_year: int) -> str | None:
    """The build digest of a year's published release (None when the year is not published)."""
    package = data_dir(out_dir, fiscal_year) / "datapackage.json"
    if not package.exists():
        return None
    return json.loads(package.read_text(encoding="utf-8")).get("buildDigest")
