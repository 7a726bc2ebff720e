-- Cross-year check (REPORT_RECORD.md): this year's carried_over equals last year's
-- carried_forward, per agency and applicant column, between current reports. One row per
-- pair of reports that both exist; ok is null when either value is not given.
INSERT INTO check_results (report_id, rule, column_key, ok, expected, actual, detail, origin)
WITH cur AS (
    SELECT r.report_id, r.agency_id, r.year, c.row_key, c.column_key, c.value
    FROM request_cells AS c
    JOIN reports AS r USING (report_id)
    WHERE r.is_current AND c.row_key IN ('carried_over', 'carried_forward')
)
SELECT
    t.report_id,
    'requests.carryover.' || t.column_key,
    t.column_key,
    CASE WHEN t.value IS NULL OR p.value IS NULL THEN NULL ELSE t.value = p.value END,
    p.value::DOUBLE,
    t.value::DOUBLE,
    CASE WHEN t.value IS NULL OR p.value IS NULL
         THEN 'not evaluable: carried_over or last year''s carried_forward is not given'
         ELSE 'carried_over = carried_forward of ' || (t.year - 1)::VARCHAR || ' (report ' || p.report_id || ')'
    END,
    'cross_year'
FROM cur AS t
JOIN cur AS p
    ON p.agency_id = t.agency_id
   AND p.year = t.year - 1
   AND p.column_key = t.column_key
WHERE t.row_key = 'carried_over'
  AND p.row_key = 'carried_forward';
