-- Docket schema v10 (PostgreSQL): the listing of V007 keeps one row per inserting statement
-- instead of one per job. V007's job_listing cost every new job a heap row and two index entries
-- beside the job's own, about a third of the database's work at a batch enqueue
-- (docs/performance.md). job_batches holds, for each (created_at, owner_id) group of one
-- statement's new jobs, their ids as one array: a batch of 1,000 jobs writes one row and two index
-- entries. Lists read the rows newest first, unnest the ids and sort each row's ids (one instant
-- each), so the order stays created_at DESC, id DESC. The correlation listing moves to
-- job_correlations, a row per job that has a correlation id (as on H2 since V009).
-- Both tables are kept by statement triggers with transition tables, as in V007, so every writer
-- keeps them whole; a delete takes its jobs' ids out of their rows and drops rows left empty.
-- Flyway applies this file as it is; Liquibase: give its changeSet splitStatements="false"
-- (the block that creates the trigger functions holds semicolons).
-- No job may be written between the copy below and the triggers' creation: writers wait until
-- this migration commits; readers do not. Nodes older than v10 cannot list jobs once it has run
-- (their lists read job_listing): upgrade every node together (docs/migrations.md).

LOCK TABLE ${prefix}jobs IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE ${prefix}job_batches (
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    owner_id   VARCHAR(128) NOT NULL,
    ids        VARCHAR(128)[] COLLATE "C" NOT NULL
);

INSERT INTO ${prefix}job_batches (created_at, owner_id, ids)
    SELECT created_at, owner_id, array_agg(id) FROM ${prefix}job_listing GROUP BY created_at, owner_id;

CREATE INDEX ${prefix}job_batches_newest ON ${prefix}job_batches (created_at DESC);
CREATE INDEX ${prefix}job_batches_owner_newest ON ${prefix}job_batches (owner_id, created_at DESC);

CREATE TABLE ${prefix}job_correlations (
    correlation_id VARCHAR(128) NOT NULL,
    created_at     TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    id             VARCHAR(128) COLLATE "C" NOT NULL
);

INSERT INTO ${prefix}job_correlations (correlation_id, created_at, id)
    SELECT correlation_id, created_at, id FROM ${prefix}job_listing WHERE correlation_id IS NOT NULL;

CREATE INDEX ${prefix}job_correlations_newest ON ${prefix}job_correlations (correlation_id, created_at DESC, id DESC);

DROP TRIGGER ${prefix}job_listing_add ON ${prefix}jobs;
DROP TRIGGER ${prefix}job_listing_remove ON ${prefix}jobs;
DROP TRIGGER ${prefix}job_listing_clear ON ${prefix}jobs;
DROP FUNCTION ${prefix}job_listing_add();
DROP FUNCTION ${prefix}job_listing_remove();
DROP FUNCTION ${prefix}job_listing_clear();
DROP TABLE ${prefix}job_listing;

DO $do$ DECLARE b text; c text; BEGIN SELECT format('%I.%I', n.nspname, k.relname) INTO b FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE k.oid = '${prefix}job_batches'::regclass; SELECT format('%I.%I', n.nspname, k.relname) INTO c FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE k.oid = '${prefix}job_correlations'::regclass; EXECUTE format($f$CREATE FUNCTION ${prefix}job_listing_add() RETURNS trigger LANGUAGE plpgsql AS $b$ BEGIN INSERT INTO %1$s (created_at, owner_id, ids) SELECT created_at, owner_id, array_agg(id) FROM added GROUP BY created_at, owner_id; INSERT INTO %2$s (correlation_id, created_at, id) SELECT correlation_id, created_at, id FROM added WHERE correlation_id IS NOT NULL; RETURN NULL; END $b$ $f$, b, c); EXECUTE format($f$CREATE FUNCTION ${prefix}job_listing_remove() RETURNS trigger LANGUAGE plpgsql AS $b$ BEGIN UPDATE %1$s t SET ids = ARRAY(SELECT x FROM unnest(t.ids) AS x EXCEPT ALL SELECT unnest(g.ids)) FROM (SELECT created_at, owner_id, array_agg(id) AS ids FROM removed GROUP BY created_at, owner_id) g WHERE t.created_at = g.created_at AND t.owner_id = g.owner_id AND t.ids && g.ids; DELETE FROM %1$s t USING (SELECT DISTINCT created_at, owner_id FROM removed) g WHERE t.created_at = g.created_at AND t.owner_id = g.owner_id AND cardinality(t.ids) = 0; DELETE FROM %2$s l USING removed r WHERE r.correlation_id IS NOT NULL AND l.correlation_id = r.correlation_id AND l.created_at = r.created_at AND l.id = r.id; RETURN NULL; END $b$ $f$, b, c); EXECUTE format($f$CREATE FUNCTION ${prefix}job_listing_clear() RETURNS trigger LANGUAGE plpgsql AS $b$ BEGIN TRUNCATE %1$s, %2$s; RETURN NULL; END $b$ $f$, b, c); END $do$;

CREATE TRIGGER ${prefix}job_listing_add AFTER INSERT ON ${prefix}jobs
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION ${prefix}job_listing_add();
CREATE TRIGGER ${prefix}job_listing_remove AFTER DELETE ON ${prefix}jobs
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION ${prefix}job_listing_remove();
CREATE TRIGGER ${prefix}job_listing_clear AFTER TRUNCATE ON ${prefix}jobs
    FOR EACH STATEMENT EXECUTE FUNCTION ${prefix}job_listing_clear();
