from __future__ import annotations

import json
import shutil

import pytest

from standpunt.pipelines.cli import main
from standpunt.pipelines.inputs import expand_inputs
from tests.conftest import EXAMPLES

KEYS = {"letter", "source", "paragraph", "text", "spans", "heading"}


def test_segment_folder_to_jsonl(tmp_path, capsys):
    out = tmp_path / "out" / "paragraphs.jsonl"
    assert main(["segment", str(EXAMPLES), "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows and all(set(row) == KEYS for row in rows)
    letters = {row["letter"] for row in rows}
    # the .pdf and .txt seed share a stem, so both keep their extension
    assert {"000_seed-aenm-vo2025.txt", "000_seed-aenm-vo2025.pdf"} <= letters and len(letters) == 6
    assert "109_ienw-ovv-veiligheid-vliegverkeer-schiphol-reactie-2017" in letters
    assert {row["source"].rsplit(".", 1)[1] for row in rows} == {"txt", "pdf"}
    seed_pdf = [row for row in rows if row["letter"] == "000_seed-aenm-vo2025.pdf"]
    assert [row["paragraph"] for row in seed_pdf] == list(range(9))
    assert "6 letters" in capsys.readouterr().err


def test_bad_letters_are_reported_and_skipped(tmp_path, capsys):
    shutil.copy(EXAMPLES / "502_venw-auditdienst-zandmaas-grensmaas-17e-vgr-2010.txt", tmp_path / "good.txt")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (tmp_path / "only-furniture.txt").write_text("Hoogachtend,\n\nDe minister van Financiën,\n")
    (tmp_path / "oud.wpd").write_bytes(b"\xffWPC WordPerfect")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00")  # hidden: left alone
    out = tmp_path / "p.jsonl"
    assert main(["segment", str(tmp_path), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"{tmp_path / 'oud.wpd'}: unknown format '.wpd'" in err and "DS_Store" not in err
    assert f"{tmp_path / 'empty.txt'}: file is empty" in err
    assert f"{tmp_path / 'binary.txt'}: binary data" in err
    assert f"{tmp_path / 'only-furniture.txt'}: no paragraphs found" in err
    assert "1 letters" in err and "4 failed (1 binary, 1 empty, 1 no-paragraphs, 1 unsupported)" in err
    assert {json.loads(line)["letter"] for line in out.read_text().splitlines()} == {"good"}


def test_all_inputs_bad_gives_nonzero_exit(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["segment", str(tmp_path / "empty.txt")]) == 1
    assert main(["segment", str(tmp_path / "nothing-here-*.txt")]) == 2
    capsys.readouterr()


def test_readable_print(capsys):
    assert main(["segment", str(EXAMPLES / "000_seed-aenm-vo2025.txt")]) == 0
    out = capsys.readouterr().out
    assert "# Beheersing beslistermijnen asielprocedure" in out
    assert "sender: Minister van Asiel en Migratie" in out


def test_expand_inputs_files_folders_globs(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x.txt").write_text("x")
    (tmp_path / "a" / "y.pdf").write_text("y")
    (tmp_path / "a" / "notes.xml").write_text("z")
    (tmp_path / "a" / ".hidden").mkdir()
    (tmp_path / "a" / ".hidden" / "h.txt").write_text("h")
    files, unmatched = expand_inputs([str(tmp_path / "a"), str(tmp_path / "a" / "*.txt"), str(tmp_path / "none*.txt")])
    assert [f.path.name for f in files] == ["notes.xml", "x.txt", "y.pdf"]  # every file, read or reported
    assert unmatched == [str(tmp_path / "none*.txt")]


@pytest.mark.parametrize("command, option", [("evaluate", "--model"), ("combine", "--no-gate")])
def test_own_parser_commands_take_options_first(command, option, capsys):
    # `standpunt evaluate --model X` used to stop at the top-level parser ("unrecognized arguments").
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert option in capsys.readouterr().out


def test_combine_options_before_the_model_reach_combine(tmp_path, capsys):
    assert main(["combine", "--no-gate", str(tmp_path / "no-model")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("combine: ") and "unrecognized arguments" not in err
