-- title: Towns that published no report for 2024
-- From the coverage view: every known agency × every year the warehouse holds reports for.
-- A town is "known" once any of its reports (any year) has been read; a town never seen has
-- no row at all, so this lists gaps in the record of towns the warehouse knows.
SELECT
    county,
    town,
    agency_name,
    year
FROM coverage
WHERE year = 2024
  AND level = 'town'
  AND NOT has_report
ORDER BY county, town, agency_name;
