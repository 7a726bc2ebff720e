-- check_findings: everything that is wrong or unknown about a report's numbers, one row per
-- finding, with who, which year, which file and (where the reader could tell) which page, so
-- "whose numbers do not add up" is one query. Three kinds, never mixed up:
--   printed_inconsistent  the source printed numbers that break one of the format's rules
--                         (check_results.ok = false; expected and actual are both given);
--   not_evaluable         a rule could not be checked because a figure it needs is missing
--                         (check_results.ok is null): not a pass, and not the source's fault;
--   unreadable            a cell or row the pipeline could not read (issues: cell_missing,
--                         row_missing, ambiguous_split, stacked_values, value_unreadable).
-- A passed check is not a finding. Every version of a report is listed; filter is_current.
CREATE OR REPLACE VIEW check_findings AS
WITH found AS (
    SELECT
        CASE WHEN c.ok = false THEN 'printed_inconsistent' ELSE 'not_evaluable' END AS kind,
        c.report_id,
        split_part(c.rule, '.', 1) AS section,
        c.rule,
        c.column_key AS location,
        c.expected,
        c.actual,
        c.detail,
        c.origin
    FROM check_results AS c
    WHERE c.ok = false OR c.ok IS NULL
    UNION ALL
    SELECT
        'unreadable',
        i.report_id,
        split_part(i."where", '.', 1),
        i.code,
        i."where",
        NULL::DOUBLE,
        NULL::DOUBLE,
        i.detail,
        'record'
    FROM issues AS i
    WHERE i.code IN ('cell_missing', 'row_missing', 'ambiguous_split', 'stacked_values', 'value_unreadable')
)
SELECT
    f.kind,
    r.agency_id,
    a.name AS agency_name,
    a.level,
    a.county,
    a.town,
    r.year,
    r.is_current,
    f.section,
    f.rule,
    f.location,
    f.expected,
    f.actual,
    f.actual - f.expected AS difference,
    f.detail,
    f.origin,
    r.source_path,
    -- the page of the table the finding is about; narrative findings have no table page
    CASE f.section
        WHEN 'requests' THEN r.page_requests
        WHEN 'review_litigation' THEN r.page_review_litigation
        WHEN 'article20' THEN r.page_article20
    END AS page,
    f.report_id
FROM found AS f
JOIN reports AS r USING (report_id)
LEFT JOIN agencies AS a USING (agency_id);
