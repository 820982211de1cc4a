# Two entry points (see README): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RUN_DIR := runs/examples

export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test lint install benchmarks clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The main job on the bundled example letters: ingest, segment, label with the
# shipped model (models/default), summarise, and write the HTML report.
run: $(STAMP)
	rm -rf $(RUN_DIR)
	$(BIN)/standpunt predict data/examples --out $(RUN_DIR) --format csv
	$(BIN)/standpunt report $(RUN_DIR)
	@echo "Report: $(RUN_DIR)/report.html"

test: $(STAMP)
	$(BIN)/python -m pytest

# The lint gate (config in pyproject.toml [tool.ruff]); CI runs it before the tests.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

benchmarks: $(STAMP)
	$(BIN)/python benchmarks/segmentation.py
	$(BIN)/python benchmarks/evaluate_time.py
	$(BIN)/python benchmarks/predict_scale.py
	$(BIN)/python benchmarks/train_time.py

clean:
	rm -rf $(VENV) runs
