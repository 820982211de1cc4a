"""Annotated replies + a model -> honest scores (see harness.py)."""
