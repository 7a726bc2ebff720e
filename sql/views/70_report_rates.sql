-- report_rates: one row per current report, the derived rates next to the figures they come
-- from, so a rate can always be checked by hand. A rate is null when its denominator is 0 or
-- any figure it needs is not given, because a missing figure is not zero. A figure the report
-- left blank but that its row's printed cells fix with certainty (derived_value: a lost 总计 =
-- the sum of the printed parts) is used, marked: <rate>_derived is true when the rate rests
-- on one, and derived_figures names the figures of this row that are derived, not printed.
-- Exact definitions are in the column comments (sql/comments.sql) and docs/warehouse.md.
CREATE OR REPLACE VIEW report_rates AS
WITH req_cells AS (
    SELECT
        report_id,
        row_key,
        coalesce(value, derived_value) AS figure,
        value IS NULL AND derived_value IS NOT NULL AS is_derived
    FROM request_cells
    WHERE column_key = 'total'
      AND row_key IN ('new_received', 'carried_over', 'granted', 'partially_granted')
),
req AS (
    SELECT
        report_id,
        max(figure) FILTER (WHERE row_key = 'new_received') AS new_received,
        max(figure) FILTER (WHERE row_key = 'carried_over') AS carried_over,
        max(figure) FILTER (WHERE row_key = 'granted') AS granted,
        max(figure) FILTER (WHERE row_key = 'partially_granted') AS partially_granted,
        list(row_key ORDER BY row_key) FILTER (WHERE is_derived) AS derived_req
    FROM req_cells
    GROUP BY report_id
),
rl_cells AS (
    SELECT
        report_id,
        proceeding_key,
        result_key,
        coalesce(value, derived_value) AS figure,
        value IS NULL AND derived_value IS NOT NULL AS is_derived
    FROM review_litigation_cells
    WHERE result_key IN ('corrected', 'total')
),
rl AS (
    SELECT
        report_id,
        max(figure) FILTER (WHERE proceeding_key = 'review' AND result_key = 'corrected') AS review_corrected,
        max(figure) FILTER (WHERE proceeding_key = 'review' AND result_key = 'total') AS review_total,
        max(figure) FILTER (WHERE proceeding_key = 'litigation_direct' AND result_key = 'corrected')
            AS litigation_direct_corrected,
        max(figure) FILTER (WHERE proceeding_key = 'litigation_direct' AND result_key = 'total')
            AS litigation_direct_total,
        max(figure) FILTER (WHERE proceeding_key = 'litigation_after_review' AND result_key = 'corrected')
            AS litigation_after_review_corrected,
        max(figure) FILTER (WHERE proceeding_key = 'litigation_after_review' AND result_key = 'total')
            AS litigation_after_review_total,
        list(proceeding_key || '_' || result_key ORDER BY proceeding_key, result_key) FILTER (WHERE is_derived)
            AS derived_rl
    FROM rl_cells
    GROUP BY report_id
),
rates AS (
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
        cr.report_id,
        list_concat(coalesce(req.derived_req, []), coalesce(rl.derived_rl, [])) AS derived_figures
    FROM current_reports AS cr
    LEFT JOIN req USING (report_id)
    LEFT JOIN rl USING (report_id)
)
SELECT
    * EXCLUDE (derived_figures),
    -- a rate is marked derived when it is known and one of its figures is derived
    share_granted IS NOT NULL
        AND list_has_any(derived_figures, ['granted', 'partially_granted', 'new_received', 'carried_over'])
        AS share_granted_derived,
    review_correction_rate IS NOT NULL
        AND list_has_any(derived_figures, ['review_corrected', 'review_total']) AS review_correction_rate_derived,
    litigation_direct_correction_rate IS NOT NULL
        AND list_has_any(derived_figures, ['litigation_direct_corrected', 'litigation_direct_total'])
        AS litigation_direct_correction_rate_derived,
    litigation_after_review_correction_rate IS NOT NULL
        AND list_has_any(derived_figures, ['litigation_after_review_corrected', 'litigation_after_review_total'])
        AS litigation_after_review_correction_rate_derived,
    litigation_correction_rate IS NOT NULL
        AND list_has_any(derived_figures, ['litigation_direct_corrected', 'litigation_direct_total',
                                           'litigation_after_review_corrected', 'litigation_after_review_total'])
        AS litigation_correction_rate_derived,
    derived_figures
FROM rates;
