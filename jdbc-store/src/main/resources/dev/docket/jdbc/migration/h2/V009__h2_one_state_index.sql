-- Docket schema v9 (H2 2.x): one index for every state's set, and the correlation listing only for
-- jobs that have a correlation id. H2 writes each index of a row at an insert and again at its
-- commit (each entry is a B-tree operation twice), so an index fewer is a batch insert faster.
--
-- jobs_state replaces v8's jobs_ready_queue and jobs_timer. Its key, from generated columns:
--   state_key:      'Q' followed by the queue while QUEUED; S = SCHEDULED, L = RUNNING,
--                   A = AWAITING_APPROVAL, F = finished;
--   state_priority: the priority while QUEUED, else 0;
--   state_at:       the time the state is read by: QUEUED and SCHEDULED their due time (scheduled_at),
--                   RUNNING its lease end, finished jobs their finish time; NULL while awaiting approval.
-- The claim reads ('Q' || queue, priority DESC, scheduled_at, created_at, id) in order; the promotion,
-- the reaper and the purge read (S|L|F, 0, time) in time order. A claim changes one index entry
-- instead of two (v8 moved the job in both jobs_ready_queue and jobs_timer); an ack changes one, as in v8.
ALTER TABLE ${prefix}jobs ADD COLUMN state_key VARCHAR(65)
    GENERATED ALWAYS AS (CASE status WHEN 'QUEUED' THEN 'Q' || queue WHEN 'SCHEDULED' THEN 'S'
        WHEN 'RUNNING' THEN 'L' WHEN 'AWAITING_APPROVAL' THEN 'A' ELSE 'F' END);
ALTER TABLE ${prefix}jobs ADD COLUMN state_priority INTEGER
    GENERATED ALWAYS AS (CASE WHEN status = 'QUEUED' THEN priority ELSE 0 END);
ALTER TABLE ${prefix}jobs ADD COLUMN state_at TIMESTAMP(6) WITH TIME ZONE
    GENERATED ALWAYS AS (CASE status WHEN 'QUEUED' THEN scheduled_at WHEN 'SCHEDULED' THEN scheduled_at
        WHEN 'RUNNING' THEN lease_expires_at WHEN 'AWAITING_APPROVAL' THEN NULL ELSE finished_at END);

CREATE INDEX ${prefix}jobs_state ON ${prefix}jobs (state_key, state_priority DESC, state_at, created_at, id);

DROP INDEX ${prefix}jobs_ready_queue;
DROP INDEX ${prefix}jobs_timer;
ALTER TABLE ${prefix}jobs DROP COLUMN ready_queue;
ALTER TABLE ${prefix}jobs DROP COLUMN timer_kind;
ALTER TABLE ${prefix}jobs DROP COLUMN timer_at;

-- The listing by correlation id: one row per job that has one, written with the job and deleted with
-- it by the store (H2 is embedded: Docket is its only writer). H2 has no partial index, so
-- jobs_correlation held an entry for every job, most of them NULL.
CREATE TABLE ${prefix}job_correlations (
    correlation_id VARCHAR(128) NOT NULL,
    created_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    id             VARCHAR(128) NOT NULL
);
INSERT INTO ${prefix}job_correlations (correlation_id, created_at, id)
    SELECT correlation_id, created_at, id FROM ${prefix}jobs WHERE correlation_id IS NOT NULL;
CREATE INDEX ${prefix}job_correlations_newest ON ${prefix}job_correlations (correlation_id, created_at DESC, id DESC);
DROP INDEX ${prefix}jobs_correlation;
