"""The release mechanics: swaps, staging folders owned by a live run, abandoned ones cleared, and temporary
files kept out of the public folders."""

import subprocess
import sys

import pytest
from conftest import ROOT

import pipeline.release as release
from pipeline.layout import Layout
from pipeline.release import (
    clean_abandoned,
    end_run_staging,
    fresh_folder,
    repair_interrupted_swap,
    replace_file,
    run_staging,
    swap_in,
    write_files,
)


def test_first_release_and_replacement(tmp_path):
    target = tmp_path / "data" / "2022"
    staged = fresh_folder(tmp_path / ".staging" / "a")
    write_files(staged, {"x.csv": b"1"})
    swap_in((staged, target))
    assert (target / "x.csv").read_bytes() == b"1"
    staged = fresh_folder(tmp_path / ".staging" / "b")
    write_files(staged, {"y.csv": b"2"})
    swap_in((staged, target))
    assert sorted(p.name for p in target.iterdir()) == ["y.csv"]
    assert not staged.exists()


def test_interrupted_two_step_swap_is_repaired(tmp_path):
    target = tmp_path / "2022"
    previous = tmp_path / "2022.previous"
    previous.mkdir()
    (previous / "x.csv").write_bytes(b"old")
    repair_interrupted_swap(target)
    assert (target / "x.csv").read_bytes() == b"old"
    assert not previous.exists()


def test_data_and_site_swap_together_or_not_at_all(tmp_path, monkeypatch):
    """If the second swap fails, the first is undone: data and site never come from different runs."""
    data, site = tmp_path / "data" / "2022", tmp_path / "site" / "2022"
    for folder, content in ((data, b"old data"), (site, b"old site")):
        folder.mkdir(parents=True)
        (folder / "f").write_bytes(content)
    new_data, new_site = fresh_folder(tmp_path / ".staging" / "d"), fresh_folder(tmp_path / ".staging" / "s")
    write_files(new_data, {"f": b"new data"})
    write_files(new_site, {"f": b"new site"})
    real = release.exchange_or_move

    def fail_on_site(staged, target):
        if target == site:
            raise OSError("disk full")
        real(staged, target)

    monkeypatch.setattr(release, "exchange_or_move", fail_on_site)
    with pytest.raises(OSError):
        swap_in((new_data, data), (new_site, site))
    assert (data / "f").read_bytes() == b"old data"
    assert (site / "f").read_bytes() == b"old site"


HOLD_A_RUN = """
import sys, time
from pathlib import Path
from pipeline.layout import Layout
from pipeline.release import run_staging
folder = run_staging(Layout(Path(sys.argv[1])), "live-run")
(folder / "half-written.csv").write_bytes(b"x")
print("holding", flush=True)
time.sleep(600)
"""


def test_only_abandoned_staging_is_cleared(tmp_path):
    """A staging folder whose run still holds its lock (another process) stays; folders and loose files whose
    run is gone (failed, killed, or left by an older version without a lock) are removed, and so are temporary
    files left in the public folders."""
    layout = Layout(tmp_path)
    live = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_RUN, str(tmp_path)], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert live.stdout.readline() == "holding\n"
        dead = layout.run_staging("dead-run")
        (dead / "data").mkdir(parents=True)
        layout.run_lock("dead-run").touch()
        old_style = layout.staging_root / "data-2022-0123"
        old_style.mkdir()
        (layout.staging_root / ".catalog.jsonld.0a1b.new").write_bytes(b"")
        layout.data_root.mkdir()
        (layout.data_root / ".catalog.jsonld.new").write_bytes(b"")
        (layout.data_root / "2021.previous").mkdir()  # a two-step swap cut after moving the release aside
        layout.year_lock(2022).touch()
        clean_abandoned(layout)
        left = sorted(p.name for p in layout.staging_root.iterdir())
        assert left == ["2022.lock", "live-run", "live-run.lock"]
        assert [p.name for p in layout.data_root.iterdir()] == ["2021"]
    finally:
        live.kill()
        live.wait()
    clean_abandoned(layout)
    assert sorted(p.name for p in layout.staging_root.iterdir()) == ["2022.lock"]


def test_a_run_keeps_its_own_staging_until_it_ends(tmp_path):
    layout = Layout(tmp_path)
    folder = run_staging(layout, "mine")
    (folder / "f").write_bytes(b"x")
    clean_abandoned(layout)
    assert (folder / "f").exists()
    end_run_staging(layout, "mine")
    assert not folder.exists() and not layout.run_lock("mine").exists()


def test_replace_file_writes_its_temporary_file_in_staging(tmp_path):
    layout = Layout(tmp_path)
    staging = run_staging(layout, "writer")
    target = layout.catalog
    assert replace_file(target, b"one", staging)
    assert target.read_bytes() == b"one"
    assert not replace_file(target, b"one", staging)  # already current: left alone
    assert replace_file(target, b"two", staging)
    assert sorted(p.name for p in layout.data_root.iterdir()) == ["catalog.jsonld"]
    assert list(staging.iterdir()) == []
    end_run_staging(layout, "writer")


def test_system_errors_name_the_folder_and_what_to_do(tmp_path):
    import errno

    from pipeline.faults import os_error

    full = str(os_error(OSError(errno.ENOSPC, "No space left on device"), tmp_path))
    assert f"ディスクの空きがないため {tmp_path} に" in full and f"could not write in {tmp_path}" in full
    inside = tmp_path / ".staging" / "x.lock"
    locked = str(os_error(PermissionError(errno.EACCES, "Permission denied", str(inside)), tmp_path))
    assert f"Cannot write in {tmp_path} (read-only or no permission) ({inside})" in locked and "--out" in locked
    elsewhere = str(os_error(PermissionError(errno.EACCES, "Permission denied", "/srv/raw/2022"), tmp_path))
    assert "Cannot read or write /srv/raw/2022" in elsewhere
