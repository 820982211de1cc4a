"""Document -> Paragraphs (see segmenter.py for the steps)."""

from standpunt.pipelines.segment.segmenter import segment, segment_text

__all__ = ["segment", "segment_text"]
