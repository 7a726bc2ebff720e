-- current_reports: the one report per agency and year that analysts should use (is_current),
-- with the agency's name, region and level alongside, so most queries need no join.
CREATE OR REPLACE VIEW current_reports AS
SELECT
    r.report_id,
    r.agency_id,
    a.name AS agency_name,
    a.province,
    a.city,
    a.county,
    a.town,
    a.level,
    r.year,
    r.template,
    r.published_on,
    r.status,
    r.source_path,
    r.sha256
FROM reports AS r
JOIN agencies AS a USING (agency_id)
WHERE r.is_current;
