"""Ingestion safety: per-file limits (``limits``) and parsing in isolated worker processes (``isolate``).

Bad input must never stop or hang a run. The cheap limits (size, pages, image pixels) are
enforced inside the readers, which refuse a file with a reason naming it and the limit;
the expensive failures (a reader that hangs, crashes the interpreter or blows memory) are
caught by running each file in a worker process that is killed and replaced.

This package is imported by the readers, so it stays light: ``isolate`` (pebble, the
parser) is only imported by those who parse in bulk.
"""

from pipeline.ingest.limits import Limits

__all__ = ["Limits"]
