"""Summaries -> a self-contained HTML report and a CSV for spreadsheets."""
