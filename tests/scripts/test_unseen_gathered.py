"""The gathering check against this project's own batches, with a stand-in
for the shared unseen.py (CI has no ../shared): same interface, fingerprints
by source address only."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from tests.conftest import ROOT

STAND_IN = """
import pathlib, sys
def read_candidate(path):
    head, _, body = pathlib.Path(path).read_text(encoding="utf-8").partition("\\n---\\n")
    url = next((l.split(":", 1)[1].strip() for l in head.splitlines() if l.startswith("source_url:")), None)
    return url, body
def prints_of(url, text):
    return {"u:" + url} if url else set()
def seen(hits):
    return bool(hits)
if __name__ == "__main__":
    sys.exit(0)
"""


@pytest.fixture
def unseen_gathered(tmp_path, monkeypatch):
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "unseen.py").write_text(STAND_IN, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("unseen_gathered", ROOT / "scripts" / "unseen_gathered.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "SHARED_TOOLS", tools)
    monkeypatch.delitem(sys.modules, "unseen", raising=False)
    yield module
    sys.modules.pop("unseen", None)


def letter(path, url):
    path.write_text(f"source_url: {url}\ntitle: t\n---\nEen brief.\n", encoding="utf-8")
    return path


def test_a_letter_of_an_earlier_batch_or_another_gatherer_is_named(unseen_gathered, tmp_path, capsys):
    gathered = next((ROOT / "data" / "corpus" / "batches").glob("batch12/letters/*.txt"))
    url = gathered.read_text(encoding="utf-8").splitlines()[0].split(":", 1)[1].strip()
    mine, other = tmp_path / "mine", tmp_path / "other"
    mine.mkdir(), other.mkdir()
    again = letter(mine / "again.txt", url)
    fresh = letter(mine / "fresh.txt", "https://example.org/nieuw")
    assert unseen_gathered.main([str(again), str(fresh)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"{again}: already gathered by this project ({gathered})"]
    letter(other / "twin.txt", "https://example.org/nieuw")
    assert unseen_gathered.main(["--also", str(other), "--", str(fresh)]) == 1
    assert unseen_gathered.main(["--also", str(mine), "--", str(fresh)]) == 0  # never compared with itself
    assert capsys.readouterr().out.splitlines()[-1] == "1 file(s): none seen before"


def test_missing_shared_tools_is_one_clear_line(unseen_gathered, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(unseen_gathered, "SHARED_TOOLS", tmp_path / "absent")
    assert unseen_gathered.main([str(letter(tmp_path / "a.txt", "https://example.org/a"))]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "unseen.py: not found" in err[0]
