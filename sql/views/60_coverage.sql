-- coverage: every known agency × every year the corpus holds reports for (any agency's), and
-- whether the agency has a report for that year — the current one, with its id and date.
-- Towns with no report for 2024:
--   SELECT county, agency_name FROM coverage WHERE year = 2024 AND NOT has_report AND level = 'town'
-- Years no agency reported for are not listed: the corpus says nothing about them.
-- An incomplete report (tables lost, copy cut short) still counts: has_report is true and
-- status says 'incomplete', so such a town is not "missing" for that year.
CREATE OR REPLACE VIEW coverage AS
WITH years AS (
    SELECT DISTINCT year FROM reports WHERE year IS NOT NULL
)
SELECT
    a.agency_id,
    a.name AS agency_name,
    a.level,
    a.province,
    a.city,
    a.county,
    a.town,
    a.adcode,
    y.year,
    r.report_id IS NOT NULL AS has_report,
    r.status,
    r.coverage AS report_coverage,
    r.report_id,
    r.published_on,
    r.source_path
FROM agencies AS a
CROSS JOIN years AS y
LEFT JOIN reports AS r
    ON r.agency_id = a.agency_id
   AND r.year = y.year
   AND r.is_current;
