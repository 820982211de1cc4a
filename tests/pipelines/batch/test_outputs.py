import json

from standpunt.pipelines.batch.outputs import OutputFolder, read_jsonl


def test_recovery_cuts_half_lines_and_orphan_paragraphs(tmp_path):
    out = OutputFolder(tmp_path)
    out.write_letter(
        {"letter": "a", "source": "a.txt", "status": "ok"}, [{"letter": "a", "source": "a.txt", "paragraph": 0}]
    )
    out.close()
    # a kill after b's paragraphs were written, in the middle of its letters line
    with (tmp_path / "paragraphs.jsonl").open("a") as handle:
        handle.write(json.dumps({"letter": "b", "source": "b.txt", "paragraph": 0}) + "\n" + '{"letter": "b", "parag')
    with (tmp_path / "letters.jsonl").open("a") as handle:
        handle.write('{"letter": "b", "source": "b.t')
    again = OutputFolder(tmp_path)
    assert again.done == {"a"} and again.dropped_paragraph_lines == 1
    again.write_letter(
        {"letter": "b", "source": "b.txt", "status": "ok"}, [{"letter": "b", "source": "b.txt", "paragraph": 0}]
    )
    again.close()
    assert [p["source"] for p in read_jsonl(tmp_path / "paragraphs.jsonl")] == ["a.txt", "b.txt"]
    assert [p["source"] for p in read_jsonl(tmp_path / "letters.jsonl")] == ["a.txt", "b.txt"]


def test_done_letters_are_known_by_id_not_by_the_path_given(tmp_path):
    """Resumed from another working folder, the same archive is given by
    another path: its letters are still done."""
    out = OutputFolder(tmp_path)
    out.write_letter(
        {"letter": "2019/brief", "source": "/data/archief/2019/brief.pdf", "status": "ok"},
        [{"letter": "2019/brief", "source": "/data/archief/2019/brief.pdf", "paragraph": 0}],
    )
    out.close()
    again = OutputFolder(tmp_path)
    assert again.done == {"2019/brief"} and again.dropped_paragraph_lines == 0
    again.close()


def test_paragraphs_written_without_their_letter_line_are_not_done(tmp_path):
    out = OutputFolder(tmp_path)
    out.write_paragraphs([{"letter": "a", "source": "a.txt", "paragraph": 0}])
    out.close()  # killed before finish_letter
    again = OutputFolder(tmp_path)
    assert again.done == set() and again.dropped_paragraph_lines == 1
    again.write_paragraphs([{"letter": "a", "source": "a.txt", "paragraph": 0}])
    again.finish_letter({"letter": "a", "source": "a.txt", "status": "ok"}, 1)
    again.close()
    assert len(read_jsonl(tmp_path / "paragraphs.jsonl")) == 1 and again.totals["paragraphs"] == 1
