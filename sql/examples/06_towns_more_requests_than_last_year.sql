-- title: Towns that received more requests (本年新收申请) than the year before
-- Current reports only; a town without a report (or without the figure) for the year before
-- has no prev_new_requests and is not listed: "more than an unknown number" is not known.
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
  AND y.delta > 0
ORDER BY y.year, y.delta DESC, a.name;
