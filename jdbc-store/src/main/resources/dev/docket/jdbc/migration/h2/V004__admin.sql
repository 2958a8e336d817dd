-- Docket schema v4 (H2 2.x): queue pause state, node workers per queue, finished-job index.

CREATE TABLE ${prefix}queues (
    queue      VARCHAR(64) PRIMARY KEY,
    paused     BOOLEAN      NOT NULL,
    updated_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_by VARCHAR(128) NOT NULL
);

ALTER TABLE ${prefix}nodes ADD COLUMN workers VARCHAR(8000);

CREATE INDEX ${prefix}jobs_finished ON ${prefix}jobs (finished_at);
