"""Document -> Paragraphs (see segmenter.py for the steps)."""

from standpunt.pipelines.segment.segmenter import fold, segment, segment_text

__all__ = ["fold", "segment", "segment_text"]
