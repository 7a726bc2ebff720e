-- report_rates: one row per current report, the derived rates next to the figures they come
-- from, so a rate can always be checked by hand. Printed values only (a value derived from a
-- row's other cells is not used): a rate is null when its denominator is 0 or any figure it
-- needs is not given, because a missing figure is not zero. Exact definitions are in the
-- column comments (sql/comments.sql) and docs/warehouse.md.
CREATE OR REPLACE VIEW report_rates AS
WITH req AS (
    SELECT
        report_id,
        max(value) FILTER (WHERE row_key = 'new_received') AS new_received,
        max(value) FILTER (WHERE row_key = 'carried_over') AS carried_over,
        max(value) FILTER (WHERE row_key = 'granted') AS granted,
        max(value) FILTER (WHERE row_key = 'partially_granted') AS partially_granted
    FROM request_cells
    WHERE column_key = 'total'
    GROUP BY report_id
),
rl AS (
    SELECT
        report_id,
        max(value) FILTER (WHERE proceeding_key = 'review' AND result_key = 'corrected') AS review_corrected,
        max(value) FILTER (WHERE proceeding_key = 'review' AND result_key = 'total') AS review_total,
        max(value) FILTER (WHERE proceeding_key = 'litigation_direct' AND result_key = 'corrected')
            AS litigation_direct_corrected,
        max(value) FILTER (WHERE proceeding_key = 'litigation_direct' AND result_key = 'total')
            AS litigation_direct_total,
        max(value) FILTER (WHERE proceeding_key = 'litigation_after_review' AND result_key = 'corrected')
            AS litigation_after_review_corrected,
        max(value) FILTER (WHERE proceeding_key = 'litigation_after_review' AND result_key = 'total')
            AS litigation_after_review_total
    FROM review_litigation_cells
    GROUP BY report_id
)
SELECT
    cr.agency_id,
    cr.year,
    cr.agency_name,
    cr.level,
    cr.county,
    cr.town,
    -- null + x is null and x / nullif(0, 0) is null: both rules of the header hold by construction
    (req.granted + req.partially_granted)::DOUBLE
        / nullif(req.new_received + req.carried_over, 0) AS share_granted,
    req.granted,
    req.partially_granted,
    req.new_received,
    req.carried_over,
    rl.review_corrected::DOUBLE / nullif(rl.review_total, 0) AS review_correction_rate,
    rl.review_corrected,
    rl.review_total,
    rl.litigation_direct_corrected::DOUBLE / nullif(rl.litigation_direct_total, 0)
        AS litigation_direct_correction_rate,
    rl.litigation_direct_corrected,
    rl.litigation_direct_total,
    rl.litigation_after_review_corrected::DOUBLE / nullif(rl.litigation_after_review_total, 0)
        AS litigation_after_review_correction_rate,
    rl.litigation_after_review_corrected,
    rl.litigation_after_review_total,
    (rl.litigation_direct_corrected + rl.litigation_after_review_corrected)::DOUBLE
        / nullif(rl.litigation_direct_total + rl.litigation_after_review_total, 0) AS litigation_correction_rate,
    cr.template,
    cr.report_id
FROM current_reports AS cr
LEFT JOIN req USING (report_id)
LEFT JOIN rl USING (report_id);
