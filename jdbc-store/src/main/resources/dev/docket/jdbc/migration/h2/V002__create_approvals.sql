-- Docket schema v2 (H2 2.x): approval requests of jobs that wait for a human (HITL).

CREATE TABLE ${prefix}approvals (
    id            VARCHAR(128) PRIMARY KEY,
    job_id        VARCHAR(128) NOT NULL UNIQUE,
    reason        VARCHAR(2000) NOT NULL,
    requested_by  VARCHAR(128)  NOT NULL,
    approvers     CHARACTER LARGE OBJECT NOT NULL,
    created_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP(6) WITH TIME ZONE,
    status        VARCHAR(16)   NOT NULL,
    decided_by    VARCHAR(128),
    decided_at    TIMESTAMP(6) WITH TIME ZONE,
    decision_note VARCHAR(2000)
);
CREATE INDEX ${prefix}approvals_pending ON ${prefix}approvals (status, created_at, id);
CREATE INDEX ${prefix}approvals_expiry ON ${prefix}approvals (status, expires_at);

CREATE TABLE ${prefix}approval_approvers (
    request_id   VARCHAR(128) NOT NULL,
    principal_id VARCHAR(128) NOT NULL,
    PRIMARY KEY (request_id, principal_id)
);
CREATE INDEX ${prefix}approval_approvers_principal ON ${prefix}approval_approvers (principal_id, request_id);
