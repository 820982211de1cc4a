"""Score a model against annotated replies: python evaluate.py [--model M] --data FILE.jsonl [--out DIR]

A thin script: the command lives in `standpunt.pipelines.evaluate_command` so
that `standpunt evaluate` and this file run the same code."""

import sys

from standpunt.pipelines.evaluate_command import main

if __name__ == "__main__":
    sys.exit(main())
