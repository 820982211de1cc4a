# Two entry points (see README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RUN_DIR := runs/examples

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test install benchmarks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	mkdir -p $(RUN_DIR)
	$(BIN)/standpunt segment data/examples --out $(RUN_DIR)/paragraphs.jsonl
	@echo "Segmented the example letters into $(RUN_DIR)/paragraphs.jsonl."
	@echo "No stance model is trained yet: labelling and the report come with 'standpunt predict'."

test: $(STAMP)
	$(BIN)/python -m pytest

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/segmentation.py

clean:
	rm -rf $(VENV) runs
