-- Cross-year check on section 二 (2021 format): for every item the template measures with
-- 本年制发件数 (issued), 本年废止件数 (repealed) and 现行有效件数 (in_force) — 规章 and
-- 行政规范性文件 today, read from the dictionary so a new such item is checked too —
--     in_force this year = in_force last year + issued this year − repealed this year,
-- same agency, current reports, consecutive years. One row per item and pair of reports
-- that both exist; ok is null (not evaluable) when any of the four figures is not given,
-- which includes a previous report in the 2019 format (it has no 现行有效件数).
-- A document that lapses without being repealed (到期失效) also breaks this identity, so a
-- failure says "look at these two reports", not "this figure is wrong".
INSERT INTO check_results (report_id, rule, column_key, ok, expected, actual, detail, origin)
WITH items AS (
    SELECT row_key AS item_key
    FROM dictionary
    WHERE "table" = 'article20' AND column_key IN ('issued', 'repealed', 'in_force')
    GROUP BY row_key, template
    HAVING count(DISTINCT column_key) = 3
),
cur AS (
    SELECT
        r.report_id,
        r.agency_id,
        r.year,
        r.template,
        i.item_key,
        max(c.value) FILTER (WHERE c.measure_key = 'issued') AS issued,
        max(c.value) FILTER (WHERE c.measure_key = 'repealed') AS repealed,
        max(c.value) FILTER (WHERE c.measure_key = 'in_force') AS in_force
    FROM reports AS r
    CROSS JOIN (SELECT DISTINCT item_key FROM items) AS i
    LEFT JOIN article20_cells AS c
        ON c.report_id = r.report_id
       AND c.item_key = i.item_key
    WHERE r.is_current
    GROUP BY r.report_id, r.agency_id, r.year, r.template, i.item_key
),
pairs AS (
    SELECT
        t.report_id,
        t.item_key,
        t.issued,
        t.repealed,
        t.in_force,
        p.in_force AS prev_in_force,
        p.year AS prev_year,
        p.report_id AS prev_report_id,
        p.template AS prev_template,
        concat_ws(', ',
            CASE WHEN p.in_force IS NULL THEN 'in_force of ' || p.year::VARCHAR END,
            CASE WHEN t.issued IS NULL THEN 'issued' END,
            CASE WHEN t.repealed IS NULL THEN 'repealed' END,
            CASE WHEN t.in_force IS NULL THEN 'in_force' END
        ) AS missing
    FROM cur AS t
    JOIN cur AS p
        ON p.agency_id = t.agency_id
       AND p.year = t.year - 1
       AND p.item_key = t.item_key
    WHERE t.template = '2021'
)
SELECT
    report_id,
    'article20.in_force.' || item_key,
    NULL,
    CASE WHEN missing <> '' THEN NULL ELSE abs(prev_in_force + issued - repealed - in_force) < 1e-9 END,
    prev_in_force + issued - repealed,
    in_force,
    CASE
        WHEN missing <> '' THEN 'not evaluable: missing ' || missing
            || CASE WHEN prev_template = '2019' THEN ' (the ' || prev_year::VARCHAR
                    || ' report is in the 2019 format, which has no 现行有效件数)' ELSE '' END
        ELSE 'in_force = in_force of ' || prev_year::VARCHAR || ' (report ' || prev_report_id
            || ') + issued - repealed'
    END,
    'cross_year'
FROM pairs;
