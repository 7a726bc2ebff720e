-- request_cells_wide: the request table as printed, one row per report and outcome row, one
-- column per applicant kind (自然人 … 总计); sort_order follows the printed template. Printed
-- values only: derived values stay in request_cells.derived_value, clearly marked.
CREATE OR REPLACE VIEW request_cells_wide AS
SELECT
    c.report_id,
    c.row_key,
    max(c.value) FILTER (WHERE c.column_key = 'natural_person') AS natural_person,
    max(c.value) FILTER (WHERE c.column_key = 'commercial') AS commercial,
    max(c.value) FILTER (WHERE c.column_key = 'research') AS research,
    max(c.value) FILTER (WHERE c.column_key = 'social_welfare') AS social_welfare,
    max(c.value) FILTER (WHERE c.column_key = 'legal_service') AS legal_service,
    max(c.value) FILTER (WHERE c.column_key = 'other_org') AS other_org,
    max(c.value) FILTER (WHERE c.column_key = 'total') AS total,
    min(d.sort_order) AS sort_order
FROM request_cells AS c
LEFT JOIN reports AS r USING (report_id)
LEFT JOIN dictionary AS d
    ON d."table" = 'requests'
   AND d.template = r.template
   AND d.row_key = c.row_key
   AND d.column_key = c.column_key
GROUP BY c.report_id, c.row_key;
