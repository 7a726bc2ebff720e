-- yoy_active_disclosure: proactive disclosures (主动公开) per category, including the 'total'
-- row, of current reports, next to the same agency's count one year earlier.
CREATE OR REPLACE VIEW yoy_active_disclosure AS
WITH cur AS (
    SELECT r.report_id, r.agency_id, r.year, d.category, d.count
    FROM active_disclosure AS d
    JOIN reports AS r USING (report_id)
    WHERE r.is_current
)
SELECT
    t.agency_id,
    t.year,
    t.category,
    t.count,
    p.count AS prev_count,
    t.count - p.count AS delta,
    CASE WHEN p.count IS NULL OR p.count = 0 THEN NULL
         ELSE (t.count - p.count)::DOUBLE / p.count END AS pct_change,
    t.report_id,
    p.report_id AS prev_report_id
FROM cur AS t
LEFT JOIN cur AS p
    ON p.agency_id = t.agency_id
   AND p.year = t.year - 1
   AND p.category = t.category;
