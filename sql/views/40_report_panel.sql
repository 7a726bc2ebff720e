-- report_panel: one row per agency and year (current reports), the headline figures side by
-- side for a spreadsheet-style look. A figure is null when the report does not give it;
-- litigation_total is null unless both kinds of litigation are given.
-- A figure the report left blank but that its row's printed cells fix with certainty (a lost
-- 总计 = the sum of the six printed applicant columns; request_cells.derived_value) is used,
-- and its <figure>_derived flag is true: a derived figure is never shown as printed.
CREATE OR REPLACE VIEW report_panel AS
WITH req_cells AS (
    SELECT
        report_id,
        row_key,
        coalesce(value, derived_value) AS figure,
        value IS NULL AND derived_value IS NOT NULL AS is_derived
    FROM request_cells
    WHERE column_key = 'total'
),
req AS (
    SELECT
        report_id,
        max(figure) FILTER (WHERE row_key = 'new_received') AS new_requests,
        coalesce(bool_or(is_derived) FILTER (WHERE row_key = 'new_received'), false) AS new_requests_derived,
        max(figure) FILTER (WHERE row_key = 'carried_over') AS carried_over,
        coalesce(bool_or(is_derived) FILTER (WHERE row_key = 'carried_over'), false) AS carried_over_derived,
        max(figure) FILTER (WHERE row_key = 'granted') AS granted,
        coalesce(bool_or(is_derived) FILTER (WHERE row_key = 'granted'), false) AS granted_derived,
        max(figure) FILTER (WHERE row_key = 'partially_granted') AS partially_granted,
        coalesce(bool_or(is_derived) FILTER (WHERE row_key = 'partially_granted'), false)
            AS partially_granted_derived,
        max(figure) FILTER (WHERE row_key = 'total_processed') AS total_processed,
        coalesce(bool_or(is_derived) FILTER (WHERE row_key = 'total_processed'), false) AS total_processed_derived,
        max(figure) FILTER (WHERE row_key = 'carried_forward') AS carried_forward,
        coalesce(bool_or(is_derived) FILTER (WHERE row_key = 'carried_forward'), false) AS carried_forward_derived
    FROM req_cells
    GROUP BY report_id
),
rl_cells AS (
    SELECT
        report_id,
        proceeding_key,
        coalesce(value, derived_value) AS figure,
        value IS NULL AND derived_value IS NOT NULL AS is_derived
    FROM review_litigation_cells
    WHERE result_key = 'total'
),
rl AS (
    SELECT
        report_id,
        max(figure) FILTER (WHERE proceeding_key = 'review') AS review_total,
        coalesce(bool_or(is_derived) FILTER (WHERE proceeding_key = 'review'), false) AS review_total_derived,
        max(figure) FILTER (WHERE proceeding_key = 'litigation_direct') AS litigation_direct_total,
        max(figure) FILTER (WHERE proceeding_key = 'litigation_after_review') AS litigation_after_review_total,
        coalesce(bool_or(is_derived) FILTER (WHERE proceeding_key LIKE 'litigation%'), false)
            AS litigation_total_derived
    FROM rl_cells
    GROUP BY report_id
),
ad AS (
    SELECT report_id, count AS proactive_disclosures
    FROM active_disclosure
    WHERE category = 'total'
)
SELECT
    cr.agency_id,
    cr.year,
    cr.agency_name,
    cr.level,
    cr.county,
    cr.town,
    req.new_requests,
    req.granted,
    req.partially_granted,
    req.total_processed,
    req.carried_over,
    req.carried_forward,
    rl.review_total,
    rl.litigation_direct_total + rl.litigation_after_review_total AS litigation_total,
    ad.proactive_disclosures,
    coalesce(req.new_requests_derived, false) AS new_requests_derived,
    coalesce(req.granted_derived, false) AS granted_derived,
    coalesce(req.partially_granted_derived, false) AS partially_granted_derived,
    coalesce(req.total_processed_derived, false) AS total_processed_derived,
    coalesce(req.carried_over_derived, false) AS carried_over_derived,
    coalesce(req.carried_forward_derived, false) AS carried_forward_derived,
    coalesce(rl.review_total_derived, false) AS review_total_derived,
    -- only when the sum itself is known: a flag on a null figure would say nothing
    coalesce(rl.litigation_total_derived AND rl.litigation_direct_total + rl.litigation_after_review_total IS NOT NULL,
             false) AS litigation_total_derived,
    cr.template,
    cr.report_id
FROM current_reports AS cr
LEFT JOIN req USING (report_id)
LEFT JOIN rl USING (report_id)
LEFT JOIN ad USING (report_id);
