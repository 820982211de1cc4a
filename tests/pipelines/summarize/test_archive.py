from standpunt.pipelines.summarize.archive import summarize_archive


def letter(name, sender, date, stances, status="ok"):
    if status != "ok":
        return {"letter": name, "source": name, "status": "error", "reason": "empty", "error": "x"}
    return {
        "letter": name,
        "source": name,
        "status": "ok",
        "metadata": {"sender": sender, "date": date, "auditor": "Algemene Rekenkamer"},
        "counts": {s: stances.count(s) for s in ("agree", "acknowledge", "pushback", "none")},
        "findings": [
            {"heading": str(i), "stance": s, "paragraphs": [i], "evidence": None} for i, s in enumerate(stances)
        ],
    }


def test_counts_shares_and_strongest_pushback():
    letters = [
        letter("a", "Minister van Financiën", "2020-05-01", ["agree", "pushback"]),
        letter("b", "Minister van Financiën", "2021-02-01", ["pushback", "pushback", "none", "agree"]),
        letter("c", None, None, ["acknowledge"]),
        letter("d", None, None, [], status="error"),
    ]
    paragraphs = [
        {
            "letter": "a",
            "source": "a",
            "paragraph": 1,
            "heading": "1",
            "text": "zwak",
            "label": "pushback",
            "scores": {"pushback": 0.6},
        },
        {
            "letter": "b",
            "source": "b",
            "paragraph": 0,
            "heading": "0",
            "text": "sterk",
            "label": "pushback",
            "scores": {"pushback": 0.95},
        },
        {
            "letter": "b",
            "source": "b",
            "paragraph": 3,
            "heading": "3",
            "text": "eens",
            "label": "agree",
            "scores": {"pushback": 0.01},
        },
    ]
    summary = summarize_archive(letters, paragraphs)
    assert summary["letters_ok"] == 3 and summary["letters_failed"] == 1
    assert summary["findings"] == {"agree": 2, "acknowledge": 1, "pushback": 3, "none": 1}
    finance = summary["by_sender"]["Minister van Financiën"]
    assert finance["letters"] == 2 and finance["findings"]["pushback"] == 3
    assert abs(finance["finding_shares"]["pushback"] - 0.5) < 1e-9
    assert summary["by_sender"]["unknown"]["letters"] == 1
    assert summary["pushback_share_by_year"] == {"2020": 0.5, "2021": 0.5, "unknown": 0.0}
    assert [p["text"] for p in summary["strongest_pushback"]] == ["sterk", "zwak"]
