-- Docket schema v1 (PostgreSQL). ${prefix} is the table prefix (default docket_).
-- Usable as-is with Flyway or Liquibase: set the placeholder/property "prefix".

CREATE TABLE ${prefix}jobs (
    id               VARCHAR(128) COLLATE "C" PRIMARY KEY,
    function_name    VARCHAR(128) NOT NULL,
    queue            VARCHAR(64)  NOT NULL,
    status           VARCHAR(24)  NOT NULL,
    priority         INTEGER      NOT NULL,
    args             TEXT         NOT NULL,
    result           TEXT,
    error_type       VARCHAR(512),
    error_message    TEXT,
    error_stack      TEXT,
    attempts         INTEGER      NOT NULL,
    max_attempts     INTEGER      NOT NULL,
    correlation_id   VARCHAR(128),
    owner_id         VARCHAR(128) NOT NULL,
    timeout_ms       BIGINT,
    backoff          VARCHAR(128),
    cancel_requested BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at       TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    scheduled_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    started_at       TIMESTAMP(6) WITH TIME ZONE,
    finished_at      TIMESTAMP(6) WITH TIME ZONE,
    node_id          VARCHAR(128),
    lease_token      VARCHAR(64),
    lease_expires_at TIMESTAMP(6) WITH TIME ZONE
);

-- The ready set only: claim cost does not grow with finished or future jobs.
CREATE INDEX ${prefix}jobs_ready ON ${prefix}jobs (queue, priority DESC, scheduled_at, created_at, id)
    WHERE status = 'QUEUED';
CREATE INDEX ${prefix}jobs_due ON ${prefix}jobs (scheduled_at) WHERE status = 'SCHEDULED';
CREATE INDEX ${prefix}jobs_running ON ${prefix}jobs (node_id) WHERE status = 'RUNNING';
CREATE INDEX ${prefix}jobs_leases ON ${prefix}jobs (lease_expires_at) WHERE status = 'RUNNING';
-- Depth of the other unfinished states (queued jobs are counted on jobs_ready). It leaves
-- QUEUED out on purpose, so that the claim can only use jobs_ready, whatever the statistics say.
CREATE INDEX ${prefix}jobs_waiting ON ${prefix}jobs (queue, status, owner_id)
    WHERE status IN ('SCHEDULED', 'RUNNING', 'AWAITING_APPROVAL');
CREATE INDEX ${prefix}jobs_newest ON ${prefix}jobs (created_at DESC, id DESC);
CREATE INDEX ${prefix}jobs_owner_newest ON ${prefix}jobs (owner_id, created_at DESC, id DESC);
CREATE INDEX ${prefix}jobs_correlation ON ${prefix}jobs (correlation_id, created_at DESC, id DESC)
    WHERE correlation_id IS NOT NULL;

-- A queue table churns: vacuum and analyze it early so dead index entries do not pile up.
ALTER TABLE ${prefix}jobs SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

CREATE TABLE ${prefix}job_events (
    seq          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id       VARCHAR(128)  NOT NULL,
    at           TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    from_status  VARCHAR(24),
    to_status    VARCHAR(24)   NOT NULL,
    by_principal VARCHAR(128)  NOT NULL,
    detail       VARCHAR(2000) NOT NULL
);
CREATE INDEX ${prefix}job_events_job ON ${prefix}job_events (job_id, seq);

CREATE TABLE ${prefix}nodes (
    node_id           VARCHAR(128) PRIMARY KEY,
    started_at        TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    last_heartbeat_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    busy              INTEGER NOT NULL,
    total             INTEGER NOT NULL
);
