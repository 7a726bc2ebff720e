-- title: Share of requests granted per agency and year
-- (予以公开 + 部分公开) / (本年新收 + 上年结转), from the 总计 column of current reports.
-- Null when the denominator is 0 or any figure is not given: null is not zero. A figure the
-- report left blank but its row's printed cells fix (a lost 总计) is used, and
-- share_granted_derived says the share rests on such a derived figure.
SELECT
    agency_id,
    agency_name,
    level,
    year,
    granted,
    partially_granted,
    new_requests,
    carried_over,
    (granted + partially_granted)::DOUBLE / nullif(new_requests + carried_over, 0) AS share_granted,
    share_granted IS NOT NULL
        AND (granted_derived OR partially_granted_derived OR new_requests_derived OR carried_over_derived)
        AS share_granted_derived
FROM report_panel
ORDER BY agency_name, year;
