"""Release: a year's files are assembled aside and replace the published ones in a single step.

Until the swap, published/ is untouched, so a run that fails anywhere before it (bad input, failed check,
crash) leaves the previous release exactly as it was. On Linux the swap is one ``renameat2`` call with
``RENAME_EXCHANGE``; elsewhere it is two renames, and an interrupted swap is repaired at the next run.

Work in progress lives only under published/.staging/ (pipeline.layout): each run stages in its own folder
and holds an exclusive ``flock`` on that folder's lock file for as long as it works there. The kernel drops the
lock when the process ends in any way (failure, Ctrl-C, SIGKILL, power cut), so a staging folder whose lock
nobody holds is provably abandoned and is removed when the next run starts (``clean_abandoned``). Temporary
files are written there too, never into a public folder, and renamed into place (same filesystem).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pipeline.layout import Layout

PREVIOUS_SUFFIX = ".previous"

# The run staging locks this process holds, by run id: a run's steps share one process (the in-process
# executor), and the lock must outlive each step until the run has swapped its release in or failed.
_HELD: dict[tuple[str, str], IO[str]] = {}


def _try_lock(handle: IO[str]) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def clean_abandoned(layout: Layout) -> list[Path]:
    """Remove every staging folder (and loose temporary file) of .staging/ whose run holds no lock, and the
    temporary files an older version left in the public folders; returns what was removed."""
    removed: list[Path] = []
    for folder in layout.public_folders():
        if folder.is_dir():
            for stray in folder.glob(".*.new"):
                stray.unlink(missing_ok=True)
                removed.append(stray)
            for previous in folder.glob(f"*{PREVIOUS_SUFFIX}"):  # a two-step swap cut short
                repair_interrupted_swap(previous.with_name(previous.name.removesuffix(PREVIOUS_SUFFIX)))
                removed.append(previous)
    root = layout.staging_root
    if not root.is_dir():
        return removed
    for entry in sorted(root.iterdir()):
        if entry.suffix == ".lock":
            continue
        lock = root / f"{entry.name}.lock"
        if (str(layout.out), entry.name) in _HELD:
            continue
        with lock.open("a") as handle:
            if not _try_lock(handle):
                continue  # a live run works there
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            lock.unlink(missing_ok=True)
        removed.append(entry)
    for lock in sorted(root.glob("*.lock")):
        name = lock.name.removesuffix(".lock")
        if name.isdigit() or (root / name).exists() or (str(layout.out), name) in _HELD:
            continue  # a year's swap lock, or a folder's lock kept above
        with lock.open("a") as handle:
            if _try_lock(handle) and not (root / name).exists():
                lock.unlink(missing_ok=True)
    return removed


def _hold(lock: Path) -> IO[str]:
    """Open and lock ``lock``, making sure the file locked is still the one at that path (a cleaner may have
    removed an abandoned lock file between the open and the lock)."""
    while True:
        handle = lock.open("a")
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if os.stat(lock).st_ino == os.fstat(handle.fileno()).st_ino:
                return handle
        except FileNotFoundError:
            pass
        handle.close()


def run_staging(layout: Layout, run_id: str) -> Path:
    """The run's own staging folder, created on first use, with the run's lock held by this process until
    ``end_run_staging``. The first use in a run clears what abandoned runs left."""
    key = (str(layout.out), run_id)
    folder = layout.run_staging(run_id)
    if key not in _HELD:
        layout.staging_root.mkdir(parents=True, exist_ok=True)
        clean_abandoned(layout)
        _HELD[key] = _hold(layout.run_lock(run_id))
    folder.mkdir(exist_ok=True)
    return folder


def end_run_staging(layout: Layout, run_id: str) -> None:
    """Remove the run's staging folder and let go of its lock (after its swap, or when the run failed)."""
    handle = _HELD.pop((str(layout.out), run_id), None)
    shutil.rmtree(layout.run_staging(run_id), ignore_errors=True)
    if handle is not None:
        layout.run_lock(run_id).unlink(missing_ok=True)
        handle.close()


def end_all_run_staging() -> None:
    """Let go of every run staging this process holds (an interrupted command, before it exits)."""
    for out, run_id in list(_HELD):
        end_run_staging(Layout(Path(out)), run_id)


def fresh_folder(path: Path) -> Path:
    """An empty folder at ``path`` (what a failed attempt of the same step left is discarded)."""
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    return path


def write_files(folder: Path, files: dict[str, bytes]) -> dict[str, int]:
    """Write each file and return its size in bytes."""
    for name, content in sorted(files.items()):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
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
    # On any failure the two-step swap is tried, which raises the system's error with the path in it.
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


def repair_interrupted_swap(target: Path) -> None:
    """If a two-step swap was interrupted after moving the old release aside, put it back."""
    previous = target.with_name(target.name + PREVIOUS_SUFFIX)
    if previous.exists():
        if target.exists():
            shutil.rmtree(previous)
        else:
            previous.rename(target)


def exchange_or_move(staged: Path, target: Path) -> None:
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
def year_lock(layout: Layout, fiscal_year: int) -> Iterator[None]:
    """Only one run at a time may swap a year's release in (each run stages in its own folder, so two runs
    of one year never write into the same files; this lock keeps their swaps from interleaving)."""
    layout.staging_root.mkdir(parents=True, exist_ok=True)
    with layout.year_lock(fiscal_year).open("a") as handle:
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
            exchange_or_move(staged, target)
            done.append((staged, target))
    except BaseException:
        for staged, target in reversed(done):
            if staged.exists():
                exchange_or_move(staged, target)
            else:
                target.rename(staged)
        raise
    for staged, _ in done:
        if staged.exists():
            shutil.rmtree(staged)


def replace_file(path: Path, data: bytes, temporary_dir: Path | None = None) -> bool:
    """Write a file so that readers see either the old or the new content, never a partial one; the
    temporary file is written in ``temporary_dir`` (on the same filesystem; beside the file when None).
    A file that already holds exactly ``data`` is left alone. Returns whether the file was written."""
    if path.exists() and path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = temporary_dir or path.parent
    temporary = folder / f".{path.name}.{uuid.uuid4().hex}.new"
    try:
        temporary.write_bytes(data)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return True


def published_digest(layout: Layout, fiscal_year: int) -> str | None:
    """The build digest of a year's published release (None when the year is not published)."""
    package = layout.data_dir(fiscal_year) / "datapackage.json"
    if not package.exists():
        return None
    return json.loads(package.read_text(encoding="utf-8")).get("buildDigest")


def year_is_whole(layout: Layout, fiscal_year: int) -> bool:
    """Whether a year's data and site come from the same release (their datapackage.json are the same bytes):
    a swap interrupted between the two leaves them apart, and the year is then published again."""
    data, site = layout.data_dir(fiscal_year), layout.site_data_dir(fiscal_year)
    try:
        return (data / "datapackage.json").read_bytes() == (site / "datapackage.json").read_bytes()
    except OSError:
        return False
