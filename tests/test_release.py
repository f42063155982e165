import pytest

from pipeline.release import fresh_staging, repair_interrupted_swap, swap_in, write_files


def test_first_release_and_replacement(tmp_path):
    target = tmp_path / "data" / "2022"
    staged = fresh_staging(tmp_path, "a")
    write_files(staged, {"x.csv": b"1"})
    swap_in((staged, target))
    assert (target / "x.csv").read_bytes() == b"1"
    staged = fresh_staging(tmp_path, "b")
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
    import pipeline.release as release

    data, site = tmp_path / "data" / "2022", tmp_path / "site" / "2022"
    for folder, content in ((data, b"old data"), (site, b"old site")):
        folder.mkdir(parents=True)
        (folder / "f").write_bytes(content)
    new_data, new_site = fresh_staging(tmp_path, "d"), fresh_staging(tmp_path, "s")
    write_files(new_data, {"f": b"new data"})
    write_files(new_site, {"f": b"new site"})
    real = release._exchange_or_move

    def fail_on_site(staged, target):
        if target == site:
            raise OSError("disk full")
        real(staged, target)

    monkeypatch.setattr(release, "_exchange_or_move", fail_on_site)
    with pytest.raises(OSError):
        swap_in((new_data, data), (new_site, site))
    assert (data / "f").read_bytes() == b"old data"
    assert (site / "f").read_bytes() == b"old site"
