"""Letter ids: one per file, never shared, the same on every run."""

from __future__ import annotations

from standpunt.pipelines.inputs import assign_letter_ids, expand_inputs


def ids(root):
    files, _ = expand_inputs([str(root)])
    return {f.path.relative_to(root).as_posix(): f.letter for f in files}


def test_same_stem_in_one_folder_keeps_the_extensions(tmp_path):
    (tmp_path / "brief.txt").write_text("a")
    (tmp_path / "brief.pdf").write_text("b")
    (tmp_path / "andere.txt").write_text("c")
    assert ids(tmp_path) == {"brief.pdf": "brief.pdf", "brief.txt": "brief.txt", "andere.txt": "andere"}


def test_same_name_in_two_subfolders_keeps_the_folders(tmp_path):
    for year in ("2019", "2020"):
        (tmp_path / year).mkdir()
        (tmp_path / year / "brief.pdf").write_text(year)
    assert ids(tmp_path) == {"2019/brief.pdf": "2019/brief", "2020/brief.pdf": "2020/brief"}


def test_files_named_directly_and_by_glob_are_known_by_their_name(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x")
    (tmp_path / "a" / "y.pdf").write_text("y")
    files, unmatched = expand_inputs([str(tmp_path / "a" / "x.txt"), str(tmp_path / "a" / "*.pdf")])
    assert [(f.path.name, f.letter) for f in files] == [("x.txt", "x"), ("y.pdf", "y")] and unmatched == []


def test_same_relative_path_under_two_roots_falls_back_to_the_path_as_given(tmp_path):
    for root in ("archief", "extra"):
        (tmp_path / root).mkdir()
        (tmp_path / root / "brief.txt").write_text(root)
    (tmp_path / "archief" / "uniek.txt").write_text("u")
    files, _ = expand_inputs([str(tmp_path / "archief"), str(tmp_path / "extra")])
    letters = [f.letter for f in files]
    assert letters == [
        (tmp_path / "archief" / "brief.txt").as_posix(),
        "uniek",
        (tmp_path / "extra" / "brief.txt").as_posix(),
    ]


def test_ids_are_unique_even_when_a_short_id_meets_a_longer_one():
    from pathlib import Path

    found = [
        (Path("r1/a/b.txt"), "a/b.txt"),
        (Path("r2/a/b"), "a/b"),
        (Path("r3/a/b.pdf"), "a/b.pdf"),
        (Path("r4/a/b.txt"), "a/b.txt"),
    ]
    letters = [f.letter for f in assign_letter_ids(found)]
    assert len(set(letters)) == 4
    assert letters[2] == "a/b.pdf"


def test_ids_are_stable_across_runs(tmp_path):
    for name in ("b.txt", "a.txt", "a.pdf", "sub/a.txt", "sub/c.docx"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(name)
    first, _ = expand_inputs([str(tmp_path)])
    second, _ = expand_inputs([str(tmp_path)])
    assert first == second
    assert [f.letter for f in first] == ["a.pdf", "a.txt", "b", "sub/a", "sub/c"]
