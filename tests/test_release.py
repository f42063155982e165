from pipeline.release import fresh_staging, repair_interrupted_swap, swap_in, write_files


def test_first_release_and_replacement(tmp_path):
    target = tmp_path / "data" / "2022"
    staged = fresh_staging(tmp_path, "a")
    write_files(staged, {"x.csv": b"1"})
    swap_in(staged, target)
    assert (target / "x.csv").read_bytes() == b"1"
    staged = fresh_staging(tmp_path, "b")
    write_files(staged, {"y.csv": b"2"})
    swap_in(staged, target)
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
