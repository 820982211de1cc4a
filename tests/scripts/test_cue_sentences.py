"""The annotators' marked sentences as training-only rows (scripts/cue_sentences.py)."""

from __future__ import annotations

import importlib.util
import json

from standpunt.pipelines.core.corpus import read_edits
from tests.conftest import ROOT


def load_script():
    spec = importlib.util.spec_from_file_location("cue_sentences", ROOT / "scripts" / "cue_sentences.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cue(letter, paragraph, label, sentences, marked):
    return {"id": letter, "paragraph": paragraph, "label": label, "sentences": sentences, "cues": marked}


def write_cues(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_marked_sentences_of_stance_paragraphs_become_rows_of_their_letter(tmp_path):
    cues = write_cues(
        tmp_path / "cues_x.jsonl",
        [
            cue("L1", 3, "pushback", ["U stelt X.", "Dat deel ik niet."], [1]),
            cue("L1", 4, "agree", ["Ik deel uw conclusie."], [0]),
            cue("L2", 1, "none", ["Geachte voorzitter,", "Hierbij."], []),
            cue("L2", 2, "agree", ["A.", "Ik neem de aanbeveling over.", "B."], [0, 1]),
        ],
    )
    rows = load_script().cue_sentence_rows([cues])
    # a one-sentence paragraph would only repeat itself; none paragraphs mark nothing
    assert rows == [
        {"origin_letter": "L1", "text": "Dat deel ik niet.", "label": "pushback"},
        {"origin_letter": "L2", "text": "A.", "label": "agree"},
        {"origin_letter": "L2", "text": "Ik neem de aanbeveling over.", "label": "agree"},
    ]


def test_the_corpus_cues_make_an_edits_file_that_training_reads(tmp_path):
    # the form `data.edits` takes: every row keeps to a stance label and names its letter
    out = tmp_path / "cue_sentences.jsonl"
    assert load_script().main([str(out)]) == 0
    edits = read_edits(out)
    assert len(edits) > 1000 and {e["label"] for e in edits} == {"agree", "acknowledge", "pushback"}
    assert load_script().main([]) == 2
