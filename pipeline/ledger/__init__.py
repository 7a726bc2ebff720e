"""What the warehouse knows about the raw files, and how a run decides what to read.

The ledger is the warehouse's ``raw_files`` table: one row per raw file with its size,
mtime, content hash, the parser version that read it and what became of it (a report, a
duplicate of one, or quarantined with a reason). A run compares the raw folder with the
ledger to read only what is new or changed:

- ``scan``: walk the raw folder and hash only files whose size or mtime changed;
- ``plan``: per distinct content hash, reuse last run's outcome or parse again;
- ``staging``: the run's parsed records and validated frames, in bounded chunks on disk.

No Dagster import here: the assets in ``pipeline/defs`` call these plain functions.
"""
