"""The core both `standpunt.models` and the rest of `standpunt.pipelines`
build on: labels, errors, the config loader, project paths, the tracking
settings, the corpus format and the text helpers every stage shares.

It imports nothing else from the project, so models can depend on it
without depending on the pipeline stages (tests/test_layering.py)."""
