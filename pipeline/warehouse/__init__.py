"""Warehouse layer: publish validated frames into a DuckDB file, all or nothing.

A run builds a brand-new file beside the live one and renames it into place, so analysts
reading the old file are never blocked and never see a half-written warehouse.

Import from the module: ``from pipeline.warehouse.publish import publish, load_previous``.
(The function is deliberately not re-exported here: it would shadow the module of the same
name, and ``monkeypatch``/``mock.patch`` on ``pipeline.warehouse.publish._x`` would break.)
"""
