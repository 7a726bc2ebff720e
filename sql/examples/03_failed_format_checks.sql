-- title: Reports whose numbers fail the format's own checks
-- Every failed check (勾稽关系: balance, outcomes, applicant totals, review/litigation totals,
-- and the cross-year carry-over) with the figures involved and the file to look at.
-- Checks that could not be evaluated (ok is null) are not failures and are not listed.
SELECT
    a.name AS agency_name,
    r.year,
    r.is_current,
    c.rule,
    c.column_key,
    c.expected,
    c.actual,
    c.detail,
    c.origin,
    r.source_path,
    r.page_requests
FROM check_results AS c
JOIN reports AS r USING (report_id)
JOIN agencies AS a USING (agency_id)
WHERE c.ok = false
ORDER BY a.name, r.year, r.source_path, c.rule;
