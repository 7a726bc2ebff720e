-- title: Whose numbers do not add up
-- Every rule of the format a current report's printed numbers break (within the report,
-- against its own text, and against last year's report), with both figures, the file and the
-- page of the table. Figures that could not be read or checked are other kinds of finding
-- (kind 'unreadable', 'not_evaluable') and are not listed here.
SELECT
    agency_name,
    level,
    year,
    rule,
    location,
    expected,
    actual,
    difference,
    origin,
    source_path,
    page
FROM check_findings
WHERE kind = 'printed_inconsistent'
  AND is_current
ORDER BY agency_name, year, rule, location;
