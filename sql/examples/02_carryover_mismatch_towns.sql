-- title: Towns whose carried-over count disagrees with last year's carried-forward
-- 上年结转 this year ≠ 结转下年度继续办理 last year, per applicant column. A null on either
-- side is "not known" and is not listed.
SELECT
    a.county,
    a.town,
    a.name AS agency_name,
    m.year,
    m.column_key,
    m.prev_carried_forward,
    m.carried_over,
    m.difference,
    r.source_path,
    p.source_path AS prev_source_path
FROM carryover_mismatches AS m
JOIN agencies AS a USING (agency_id)
JOIN reports AS r ON r.report_id = m.report_id
JOIN reports AS p ON p.report_id = m.prev_report_id
WHERE a.level = 'town'
ORDER BY a.county, a.town, a.name, m.year, m.column_key;
