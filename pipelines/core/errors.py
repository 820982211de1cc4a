"""Errors that name the file and the cause in one line, so a batch can record
them and move on instead of dying with a traceback."""

from __future__ import annotations


class StandpuntError(Exception):
    """Base for every error the command line reports as one line."""


class IngestError(StandpuntError):
    """A letter that cannot be read. `reason` is a short code for tables
    (empty, binary, encoding, scanned-pdf, corrupted, too-large, unsupported,
    no-paragraphs); the message is for people."""

    def __init__(self, path: str, reason: str, detail: str):
        self.path = str(path)
        self.reason = reason
        self.detail = detail
        super().__init__(f"{self.path}: {detail}")


class CorpusError(StandpuntError):
    """A corpus record that breaks the schema, reported as file:line: cause."""

    def __init__(self, path: str, line: int, cause: str):
        self.path = str(path)
        self.line = line
        self.cause = cause
        super().__init__(f"{self.path}:{line}: {cause}")
