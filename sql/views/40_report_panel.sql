-- report_panel: one row per agency and year (current reports), the headline figures side by
-- side for a spreadsheet-style look. A figure is null when the report does not give it;
-- litigation_total is null unless both kinds of litigation are given.
CREATE OR REPLACE VIEW report_panel AS
WITH req AS (
    SELECT
        report_id,
        max(value) FILTER (WHERE row_key = 'new_received') AS new_requests,
        max(value) FILTER (WHERE row_key = 'carried_over') AS carried_over,
        max(value) FILTER (WHERE row_key = 'granted') AS granted,
        max(value) FILTER (WHERE row_key = 'partially_granted') AS partially_granted,
        max(value) FILTER (WHERE row_key = 'total_processed') AS total_processed,
        max(value) FILTER (WHERE row_key = 'carried_forward') AS carried_forward
    FROM request_cells
    WHERE column_key = 'total'
    GROUP BY report_id
),
rl AS (
    SELECT
        report_id,
        max(value) FILTER (WHERE proceeding_key = 'review') AS review_total,
        max(value) FILTER (WHERE proceeding_key = 'litigation_direct') AS litigation_direct_total,
        max(value) FILTER (WHERE proceeding_key = 'litigation_after_review') AS litigation_after_review_total
    FROM review_litigation_cells
    WHERE result_key = 'total'
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
    cr.template,
    cr.report_id
FROM current_reports AS cr
LEFT JOIN req USING (report_id)
LEFT JOIN rl USING (report_id)
LEFT JOIN ad USING (report_id);
