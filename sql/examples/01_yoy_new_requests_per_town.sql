-- title: Year-over-year change of new requests (本年新收申请) per town
-- One row per town and year (current reports only). prev_new_requests is null when the town
-- has no report for the year before; pct_change is null when that figure is null or 0.
-- A figure the report left blank but its row's printed cells fix (a lost 总计) is used and
-- marked by *_derived = true: derived, not printed.
SELECT
    a.county,
    a.town,
    a.name AS agency_name,
    y.year,
    y.value AS new_requests,
    y.prev_value AS prev_new_requests,
    y.delta,
    y.pct_change,
    y.value_derived AS new_requests_derived,
    y.prev_value_derived AS prev_new_requests_derived
FROM yoy_requests AS y
JOIN agencies AS a USING (agency_id)
WHERE a.level = 'town'
  AND y.row_key = 'new_received'
  AND y.column_key = 'total'
ORDER BY a.county, a.town, a.name, y.year;
