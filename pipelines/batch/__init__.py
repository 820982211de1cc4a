"""Batch inference over archives: `standpunt predict` (see runner.py)."""
