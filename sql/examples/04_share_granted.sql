-- title: Share of requests granted per agency and year
-- (予以公开 + 部分公开) / (本年新收 + 上年结转), from the 总计 column of current reports.
-- Null when the denominator is 0 or any figure is not given: null is not zero.
SELECT
    agency_id,
    agency_name,
    level,
    year,
    granted,
    partially_granted,
    new_requests,
    carried_over,
    (granted + partially_granted)::DOUBLE / nullif(new_requests + carried_over, 0) AS share_granted
FROM report_panel
ORDER BY agency_name, year;
