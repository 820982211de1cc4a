from standpunt.models.windows import collate, make_windows


def test_short_paragraph_is_one_window_equal_to_plain_tokenisation(tiny_encoder):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_encoder)
    windows = make_windows(tokenizer, ["Ik deel uw conclusie."], max_length=64, overlap=8, prefix="passage: ")
    assert windows.owner == [0]
    assert windows.input_ids[0] == tokenizer("passage: Ik deel uw conclusie.")["input_ids"]


def test_long_paragraph_is_split_into_overlapping_windows(tiny_encoder):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_encoder)
    long_text = " ".join(f"woord{i}" for i in range(200))
    windows = make_windows(tokenizer, ["Kort.", long_text], max_length=64, overlap=16, prefix="passage: ")
    mine = [w for w, o in zip(windows.input_ids, windows.owner) if o == 1]
    assert len(mine) > 1 and all(len(w) <= 64 for w in windows.input_ids)
    prefix = tokenizer("passage:", add_special_tokens=False)["input_ids"]
    body = tokenizer(" " + long_text, add_special_tokens=False)["input_ids"]
    pieces = [w[1 + len(prefix) : -1] for w in mine]
    assert all(w[1 : 1 + len(prefix)] == prefix for w in mine)  # every window keeps the prefix
    assert pieces[1][:16] == pieces[0][-16:]  # consecutive windows overlap
    covered = set()
    for piece in pieces:  # every token of the paragraph is in some window
        start = next(i for i in range(len(body)) if body[i : i + len(piece)] == piece)
        covered.update(range(start, start + len(piece)))
    assert covered == set(range(len(body)))


def test_read_tokens_keeps_only_the_opening_of_a_paragraph(tiny_encoder):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_encoder)
    long_text = " ".join(f"woord{i}" for i in range(200))
    windows = make_windows(tokenizer, ["Kort.", long_text], 64, 16, "passage: ", read_tokens=20)
    assert windows.owner == [0, 1]  # one window a paragraph, however long
    assert windows.input_ids[0] == tokenizer("passage: Kort.")["input_ids"]  # a short one is untouched
    prefix = tokenizer("passage:", add_special_tokens=False)["input_ids"]
    body = tokenizer(" " + long_text, add_special_tokens=False)["input_ids"]
    assert windows.input_ids[1][1 + len(prefix) : -1] == body[:20]


def test_collate_pads_dynamically():
    batch = collate([[0, 5, 2], [0, 5, 6, 7, 2]], pad_id=1)
    assert batch["input_ids"].tolist() == [[0, 5, 2, 1, 1], [0, 5, 6, 7, 2]]
    assert batch["attention_mask"].tolist() == [[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]]
