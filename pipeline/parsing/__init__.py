"""Parsing: Document → report record (see ../shared/spec/REPORT_RECORD.md)."""

from pipeline.parsing.parser import parse_document, parse_file

__all__ = ["parse_document", "parse_file"]
