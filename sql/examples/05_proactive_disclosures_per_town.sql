-- title: Proactive disclosures (主动公开信息条数) per town and year, with the change
-- From the narrative of section 一 (category 'total'); towns whose report states no figure
-- have no row for that year.
SELECT
    a.county,
    a.town,
    a.name AS agency_name,
    d.year,
    d.count AS proactive_disclosures,
    d.prev_count AS prev_proactive_disclosures,
    d.delta,
    d.pct_change
FROM yoy_active_disclosure AS d
JOIN agencies AS a USING (agency_id)
WHERE a.level = 'town'
  AND d.category = 'total'
ORDER BY a.county, a.town, a.name, d.year;
