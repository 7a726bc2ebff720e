-- yoy_requests: every request cell of a current report next to the same agency's cell one year
-- earlier. prev_value is null when there is no report for year - 1 or it gives no value;
-- pct_change is null when prev_value is null or 0 (WAREHOUSE.md).
-- A cell the report left blank but that its row's printed cells fix with certainty
-- (request_cells.derived_value: a lost 总计 = the sum of the six printed applicant columns)
-- is used, and value_derived / prev_value_derived say so: a derived figure is never shown as
-- printed, and a delta built on one is marked by its flag.
CREATE OR REPLACE VIEW yoy_requests AS
WITH cur AS (
    SELECT
        r.report_id,
        r.agency_id,
        r.year,
        c.row_key,
        c.column_key,
        coalesce(c.value, c.derived_value) AS value,
        c.value IS NULL AND c.derived_value IS NOT NULL AS is_derived
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
    p.report_id AS prev_report_id,
    t.is_derived AS value_derived,
    coalesce(p.is_derived, false) AS prev_value_derived
FROM cur AS t
LEFT JOIN cur AS p
    ON p.agency_id = t.agency_id
   AND p.year = t.year - 1
   AND p.row_key = t.row_key
   AND p.column_key = t.column_key;
