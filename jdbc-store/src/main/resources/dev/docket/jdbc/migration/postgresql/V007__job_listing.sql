-- Docket schema v7 (PostgreSQL): the listing order in an insert-only table of its own.
-- PostgreSQL writes a new entry into every index of a row at each update that changes an indexed
-- column (or one in an index predicate, such as status): a claim, an ack and each lease extension
-- wrote the job anew into the three listing indexes, whose keys (creation time, id, owner,
-- correlation id) never change. job_listing holds those keys once, written when the job is
-- inserted and removed when it is deleted, both by statement triggers with transition tables, so
-- every writer (older nodes during a rolling upgrade included) keeps it whole.
-- Flyway applies this file as it is; Liquibase: give its changeSet splitStatements="false"
-- (the block that creates the trigger functions holds semicolons).

-- No job may be written between the copy below and the triggers' creation (an older node's
-- insert would go unlisted, its delete leave a row behind): writers wait until this migration
-- commits; readers do not.
LOCK TABLE ${prefix}jobs IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE ${prefix}job_listing (
    id             VARCHAR(128) COLLATE "C" NOT NULL,
    created_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    owner_id       VARCHAR(128) NOT NULL,
    correlation_id VARCHAR(128)
);

INSERT INTO ${prefix}job_listing (id, created_at, owner_id, correlation_id)
    SELECT id, created_at, owner_id, correlation_id FROM ${prefix}jobs;

CREATE INDEX ${prefix}job_listing_newest ON ${prefix}job_listing (created_at DESC, id DESC);
CREATE INDEX ${prefix}job_listing_owner_newest ON ${prefix}job_listing (owner_id, created_at DESC, id DESC);
CREATE INDEX ${prefix}job_listing_correlation ON ${prefix}job_listing (correlation_id, created_at DESC, id DESC)
    WHERE correlation_id IS NOT NULL;

-- The trigger functions name the listing table with its schema, fixed here (static SQL, planned
-- once per session), so that a writer whose search_path differs (one that writes
-- some_schema.${prefix}jobs) keeps the listing whole too. They run with the writer's rights: a
-- role that writes jobs needs SELECT, INSERT and DELETE (and TRUNCATE, to truncate jobs) on the
-- listing table. The delete finds each row by (created_at, id), on job_listing_newest.
DO $do$ DECLARE t text; BEGIN SELECT format('%I.%I', n.nspname, c.relname) INTO t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = '${prefix}job_listing'::regclass; EXECUTE format($f$CREATE FUNCTION ${prefix}job_listing_add() RETURNS trigger LANGUAGE plpgsql AS $b$ BEGIN INSERT INTO %1$s (id, created_at, owner_id, correlation_id) SELECT id, created_at, owner_id, correlation_id FROM added; RETURN NULL; END $b$ $f$, t); EXECUTE format($f$CREATE FUNCTION ${prefix}job_listing_remove() RETURNS trigger LANGUAGE plpgsql AS $b$ BEGIN DELETE FROM %1$s l USING removed r WHERE l.created_at = r.created_at AND l.id = r.id; RETURN NULL; END $b$ $f$, t); EXECUTE format($f$CREATE FUNCTION ${prefix}job_listing_clear() RETURNS trigger LANGUAGE plpgsql AS $b$ BEGIN TRUNCATE %1$s; RETURN NULL; END $b$ $f$, t); END $do$;

CREATE TRIGGER ${prefix}job_listing_add AFTER INSERT ON ${prefix}jobs
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ${prefix}job_listing_add();
CREATE TRIGGER ${prefix}job_listing_remove AFTER DELETE ON ${prefix}jobs
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION ${prefix}job_listing_remove();
CREATE TRIGGER ${prefix}job_listing_clear AFTER TRUNCATE ON ${prefix}jobs
    FOR EACH STATEMENT EXECUTE FUNCTION ${prefix}job_listing_clear();

DROP INDEX ${prefix}jobs_newest;
DROP INDEX ${prefix}jobs_owner_newest;
DROP INDEX ${prefix}jobs_correlation;

-- Running jobs are counted on jobs_leases (a node's running set is small): jobs_waiting no longer
-- takes a new entry at every claim.
DROP INDEX ${prefix}jobs_waiting;
CREATE INDEX ${prefix}jobs_waiting ON ${prefix}jobs (queue, status, owner_id)
    WHERE status IN ('SCHEDULED', 'AWAITING_APPROVAL');
