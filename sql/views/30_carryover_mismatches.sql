-- carryover_mismatches: agency × year × column where this year's carried_over (上年结转)
-- differs from last year's carried_forward (结转下年度继续办理). Both must be given: a null on
-- either side is "not known", not a mismatch. Current reports only.
CREATE OR REPLACE VIEW carryover_mismatches AS
WITH cur AS (
    SELECT r.report_id, r.agency_id, r.year, c.row_key, c.column_key, c.value
    FROM request_cells AS c
    JOIN reports AS r USING (report_id)
    WHERE r.is_current AND c.row_key IN ('carried_over', 'carried_forward')
)
SELECT
    t.agency_id,
    t.year,
    t.column_key,
    p.value AS prev_carried_forward,
    t.value AS carried_over,
    t.value - p.value AS difference,
    t.report_id,
    p.report_id AS prev_report_id
FROM cur AS t
JOIN cur AS p
    ON p.agency_id = t.agency_id
   AND p.year = t.year - 1
   AND p.column_key = t.column_key
WHERE t.row_key = 'carried_over'
  AND p.row_key = 'carried_forward'
  AND t.value <> p.value;
