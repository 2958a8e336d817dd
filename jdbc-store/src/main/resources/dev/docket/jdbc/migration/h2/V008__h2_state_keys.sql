-- Docket schema v8 (H2 2.x): index keys that change only when the job's state does.
-- H2 has no partial indexes, so each index on jobs led with status, and every claim and every ack
-- changed the key of all four (jobs_ready, jobs_due, jobs_leases, jobs_finished). Two generated
-- columns take their place; H2 updates only the indexes whose key changed:
--   ready_queue: the queue while the job is QUEUED, else NULL (the claim's index): a claim changes
--                it, an ack does not;
--   timer_kind / timer_at: the one time a state waits for: S = SCHEDULED (due at scheduled_at),
--                L = RUNNING (lease until lease_expires_at), A = AWAITING_APPROVAL, F = finished
--                (finished_at), NULL while QUEUED: a claim and an ack change it once each.
ALTER TABLE ${prefix}jobs ADD COLUMN ready_queue VARCHAR(64)
    GENERATED ALWAYS AS (CASE WHEN status = 'QUEUED' THEN queue END);
ALTER TABLE ${prefix}jobs ADD COLUMN timer_kind CHAR(1)
    GENERATED ALWAYS AS (CASE status WHEN 'QUEUED' THEN NULL WHEN 'SCHEDULED' THEN 'S' WHEN 'RUNNING' THEN 'L'
        WHEN 'AWAITING_APPROVAL' THEN 'A' ELSE 'F' END);
ALTER TABLE ${prefix}jobs ADD COLUMN timer_at TIMESTAMP(6) WITH TIME ZONE
    GENERATED ALWAYS AS (CASE status WHEN 'QUEUED' THEN NULL WHEN 'SCHEDULED' THEN scheduled_at
        WHEN 'RUNNING' THEN lease_expires_at WHEN 'AWAITING_APPROVAL' THEN NULL ELSE finished_at END);

CREATE INDEX ${prefix}jobs_ready_queue ON ${prefix}jobs (ready_queue, priority DESC, scheduled_at, created_at, id);
CREATE INDEX ${prefix}jobs_timer ON ${prefix}jobs (timer_kind, timer_at);

DROP INDEX ${prefix}jobs_ready;
DROP INDEX ${prefix}jobs_due;
DROP INDEX ${prefix}jobs_leases;
DROP INDEX ${prefix}jobs_finished;
