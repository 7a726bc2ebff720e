"""Dagster definitions for xxgk, discovered by ``dagster.load_from_defs_folder``.

Every module here is loaded by the defs-folder loader, which collects the assets, checks,
jobs, schedules and sensors it finds at module level. Keep module-level imports of the
pipeline layers out of these modules (import them inside the function bodies) so that
``dg check defs`` and ``dg dev`` load quickly and do not depend on the parser's imports.
"""
