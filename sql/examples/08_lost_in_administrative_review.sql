-- title: Agencies that lost cases in administrative review (行政复议结果纠正 > 0)
-- 结果纠正 counts decisions of the review body that corrected the agency; the correction rate
-- is corrected / total (总计, pending cases included). Current reports; litigation alongside.
-- review_correction_rate_derived marks a rate resting on a figure derived from its row.
SELECT
    agency_name,
    level,
    county,
    town,
    year,
    review_corrected,
    review_total,
    review_correction_rate,
    review_correction_rate_derived,
    litigation_direct_corrected + litigation_after_review_corrected AS litigation_corrected,
    litigation_correction_rate
FROM report_rates
WHERE review_corrected > 0
ORDER BY year, review_corrected DESC, agency_name;
