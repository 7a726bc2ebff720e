"""Warehouse layer: publish validated frames into a DuckDB file, all or nothing.

A run builds a brand-new file beside the live one and renames it into place, so analysts
reading the old file are never blocked and never see a half-written warehouse.
"""

from pipeline.warehouse.publish import PublishResult, load_previous, publish

__all__ = ["PublishResult", "load_previous", "publish"]
