import json

from standpunt.pipelines.batch.outputs import OutputFolder, read_jsonl


def test_recovery_cuts_half_lines_and_orphan_paragraphs(tmp_path):
    out = OutputFolder(tmp_path)
    out.write_letter({"letter": "a", "source": "a.txt", "status": "ok"}, [{"source": "a.txt", "paragraph": 0}])
    out.close()
    # a kill after b's paragraphs were written, in the middle of its letters line
    with (tmp_path / "paragraphs.jsonl").open("a") as handle:
        handle.write(json.dumps({"source": "b.txt", "paragraph": 0}) + "\n" + '{"source": "b.txt", "parag')
    with (tmp_path / "letters.jsonl").open("a") as handle:
        handle.write('{"letter": "b", "source": "b.t')
    again = OutputFolder(tmp_path)
    assert again.done == {"a.txt"} and again.dropped_paragraph_lines == 1
    again.write_letter({"letter": "b", "source": "b.txt", "status": "ok"}, [{"source": "b.txt", "paragraph": 0}])
    again.close()
    assert [p["source"] for p in read_jsonl(tmp_path / "paragraphs.jsonl")] == ["a.txt", "b.txt"]
    assert [p["source"] for p in read_jsonl(tmp_path / "letters.jsonl")] == ["a.txt", "b.txt"]
