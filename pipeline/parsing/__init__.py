"""Parsing: Document → report record (see docs/report-record.md)."""

from pipeline.parsing.parser import parse_document, parse_file

__all__ = ["parse_document", "parse_file"]
