-- Docket schema v2 (PostgreSQL): approval requests of jobs that wait for a human (HITL).

CREATE TABLE ${prefix}approvals (
    id            VARCHAR(128) COLLATE "C" PRIMARY KEY,
    job_id        VARCHAR(128) COLLATE "C" NOT NULL UNIQUE,
    reason        VARCHAR(2000) NOT NULL,
    requested_by  VARCHAR(128)  NOT NULL,
    approvers     TEXT          NOT NULL,
    created_at    TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP(6) WITH TIME ZONE,
    status        VARCHAR(16)   NOT NULL,
    decided_by    VARCHAR(128),
    decided_at    TIMESTAMP(6) WITH TIME ZONE,
    decision_note VARCHAR(2000)
);
-- Pending lists and the expiry sweep read only the pending set.
CREATE INDEX ${prefix}approvals_pending ON ${prefix}approvals (created_at, id) WHERE status = 'PENDING';
CREATE INDEX ${prefix}approvals_expiry ON ${prefix}approvals (expires_at)
    WHERE status = 'PENDING' AND expires_at IS NOT NULL;

-- Named approvers, one row each, so that "requests I may decide" is an index lookup.
CREATE TABLE ${prefix}approval_approvers (
    request_id   VARCHAR(128) COLLATE "C" NOT NULL,
    principal_id VARCHAR(128) NOT NULL,
    PRIMARY KEY (request_id, principal_id)
);
CREATE INDEX ${prefix}approval_approvers_principal ON ${prefix}approval_approvers (principal_id, request_id);
