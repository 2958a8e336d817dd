-- Docket schema v3 (H2 2.x): cron scheduled tasks.

CREATE TABLE ${prefix}tasks (
    id             VARCHAR(128) PRIMARY KEY,
    name           VARCHAR(200) NOT NULL,
    schedule       VARCHAR(512) NOT NULL,
    timezone       VARCHAR(64)  NOT NULL,
    action         VARCHAR(128) NOT NULL,
    args           CHARACTER LARGE OBJECT NOT NULL,
    enabled        BOOLEAN      NOT NULL,
    misfire_policy VARCHAR(16)  NOT NULL,
    owner_id       VARCHAR(128) NOT NULL,
    created_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    next_run_at    TIMESTAMP(6) WITH TIME ZONE,
    last_run_at    TIMESTAMP(6) WITH TIME ZONE,
    last_job_id    VARCHAR(128)
);
CREATE INDEX ${prefix}tasks_due ON ${prefix}tasks (enabled, next_run_at);
CREATE INDEX ${prefix}tasks_newest ON ${prefix}tasks (created_at DESC, id DESC);
CREATE INDEX ${prefix}tasks_owner_newest ON ${prefix}tasks (owner_id, created_at DESC, id DESC);
