-- Where each report is filed now, and its file time: from the ledger (raw_files), which this
-- run rewrote. A report carried over from an earlier run may have been renamed or touched
-- since; its row keeps the content-derived report_id and gets the new path and time here.
UPDATE reports
SET source_path = l.path,
    source_mtime = l.mtime
FROM raw_files AS l
WHERE l.state = 'report'
  AND l.report_id = reports.report_id;
