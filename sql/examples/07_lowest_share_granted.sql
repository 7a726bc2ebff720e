-- title: Where the share of requests granted was lowest, per year
-- share_granted = (予以公开 + 部分公开) / (本年新收 + 上年结转), 总计 column (report_rates).
-- The five lowest agencies of each year (ties share a rank); reports whose share is null
-- (nothing to handle, or a figure not given) are left out rather than ranked as 0;
-- share_granted_derived marks a share resting on a figure derived from its row (a lost 总计).
SELECT
    year,
    rank() OVER (PARTITION BY year ORDER BY share_granted) AS rank_lowest,
    agency_name,
    level,
    county,
    town,
    share_granted,
    share_granted_derived,
    granted,
    partially_granted,
    new_received,
    carried_over
FROM report_rates
WHERE share_granted IS NOT NULL
QUALIFY rank_lowest <= 5
ORDER BY year, rank_lowest, agency_name;
