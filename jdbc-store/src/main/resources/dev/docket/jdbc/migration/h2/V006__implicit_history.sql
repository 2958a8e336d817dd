-- Docket schema v6 (H2 2.x): the history of a job on its happy path is derived from the job row.
-- history_implicit: TRUE while the job's history is exactly what its row implies (created as QUEUED,
-- then at most its first attempt started and succeeded); the first other transition writes those
-- entries to job_events and sets it to FALSE. Rows written before v6 keep their stored history.
ALTER TABLE ${prefix}jobs ADD COLUMN history_implicit BOOLEAN NOT NULL DEFAULT FALSE;
-- The principal who created the job (the first history entry's "by").
ALTER TABLE ${prefix}jobs ADD COLUMN created_by VARCHAR(128);
