-- yoy_requests: every request cell of a current report next to the same agency's cell one year
-- earlier. prev_value is null when there is no report for year - 1 or it gives no value;
-- pct_change is null when prev_value is null or 0 (WAREHOUSE.md).
CREATE OR REPLACE VIEW yoy_requests AS
WITH cur AS (
    SELECT r.report_id, r.agency_id, r.year, c.row_key, c.column_key, c.value
    FROM request_cells AS c
    JOIN reports AS r USING (report_id)
    WHERE r.is_current
)
SELECT
    t.agency_id,
    t.year,
    t.row_key,
    t.column_key,
    t.value,
    p.value AS prev_value,
    t.value - p.value AS delta,
    CASE WHEN p.value IS NULL OR p.value = 0 THEN NULL
         ELSE (t.value - p.value)::DOUBLE / p.value END AS pct_change,
    t.report_id,
    p.report_id AS prev_report_id
FROM cur AS t
LEFT JOIN cur AS p
    ON p.agency_id = t.agency_id
   AND p.year = t.year - 1
   AND p.row_key = t.row_key
   AND p.column_key = t.column_key;
