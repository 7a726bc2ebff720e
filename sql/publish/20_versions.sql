-- Versions of an agency's report for one year, oldest first: by signature date (published_on),
-- then file time, then path (the same order as pipeline.validation.frames.mark_current).
-- A corrected republication is a new report, never an overwrite; the newest is_current.
UPDATE reports
SET version = v.version,
    is_current = v.version = v.versions
FROM (
    SELECT
        report_id,
        row_number() OVER (
            PARTITION BY agency_id, year
            ORDER BY published_on ASC NULLS FIRST, source_mtime ASC NULLS FIRST, source_path, report_id
        ) AS version,
        count(*) OVER (PARTITION BY agency_id, year) AS versions
    FROM reports
) AS v
WHERE v.report_id = reports.report_id;
