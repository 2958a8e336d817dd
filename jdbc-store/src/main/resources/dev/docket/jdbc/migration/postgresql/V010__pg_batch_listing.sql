-- Docket schema v10 (PostgreSQL): the listing of V007 keeps one row per inserting statement's
-- jobs instead of one per job. V007's job_listing cost every new job a heap row and two index
-- entries beside the job's own, about a third of the database's work at a batch enqueue
-- (docs/performance.md). job_batches holds, for the jobs one statement inserts with one
-- (created_at, owner_id), their ids as arrays of at most 1,000: a COPY of 1,000 jobs writes one
-- row and two index entries. Lists read the rows newest first, unnest the ids and sort the
-- (created_at, id) pairs before they fetch the jobs, so the order stays created_at DESC, id DESC.
-- The correlation listing moves to job_correlations, a row per job that has a correlation id (as
-- on H2 since V009).
-- V007's statement triggers (with transition tables) stay; their three functions are replaced,
-- so that every writer keeps both tables whole. A delete locks its jobs' batch rows in seq
-- order (two purges on two nodes that share rows queue, and cannot deadlock), takes the ids out
-- and drops the rows it left empty.
-- Flyway applies this file as it is; Liquibase: give its changeSet splitStatements="false"
-- (the block that creates the trigger functions holds semicolons; Docket's own migrator splits
-- at semicolons that end a line, so the block is one line).
-- No job may be written between the copy below and the functions' replacement: writers wait
-- until this migration commits; readers of jobs do not. Nodes older than v10 cannot list jobs
-- once it has run (their lists read job_listing, which goes): upgrade every node together
-- (docs/migrations.md).

LOCK TABLE ${prefix}jobs IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE ${prefix}job_batches (
    seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at TIMESTAMP(6) WITH TIME ZONE NOT NULL,
    owner_id   VARCHAR(128) NOT NULL,
    ids        VARCHAR(128)[] COLLATE "C" NOT NULL
);
ALTER TABLE ${prefix}job_batches SET (autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

INSERT INTO ${prefix}job_batches (created_at, owner_id, ids)
    SELECT created_at, owner_id, array_agg(id ORDER BY id)
    FROM (SELECT created_at, owner_id, id,
                 (row_number() OVER (PARTITION BY created_at, owner_id ORDER BY id) - 1) / 1000 AS part
          FROM ${prefix}job_listing) s
    GROUP BY created_at, owner_id, part;

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

DO $do$ DECLARE b text; c text; BEGIN SELECT format('%I.%I', n.nspname, k.relname) INTO b FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE k.oid = '${prefix}job_batches'::regclass; SELECT format('%I.%I', n.nspname, k.relname) INTO c FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE k.oid = '${prefix}job_correlations'::regclass; EXECUTE format($f$CREATE OR REPLACE FUNCTION ${prefix}job_listing_add() RETURNS trigger LANGUAGE plpgsql AS $b$ BEGIN INSERT INTO %1$s (created_at, owner_id, ids) SELECT created_at, owner_id, array_agg(id) FROM (SELECT created_at, owner_id, id, (row_number() OVER () - 1) / 1000 AS part FROM added) s GROUP BY created_at, owner_id, part; INSERT INTO %2$s (correlation_id, created_at, id) SELECT correlation_id, created_at, id FROM added WHERE correlation_id IS NOT NULL; RETURN NULL; END $b$ $f$, b, c); EXECUTE format($f$CREATE OR REPLACE FUNCTION ${prefix}job_listing_remove() RETURNS trigger LANGUAGE plpgsql AS $b$ BEGIN PERFORM 1 FROM %1$s t, (SELECT created_at, owner_id, array_agg(id) AS ids FROM removed GROUP BY created_at, owner_id) g WHERE t.created_at = g.created_at AND t.owner_id = g.owner_id AND t.ids && g.ids ORDER BY t.seq FOR UPDATE OF t; UPDATE %1$s t SET ids = ARRAY(SELECT x FROM unnest(t.ids) AS x EXCEPT ALL SELECT unnest(g.ids)) FROM (SELECT created_at, owner_id, array_agg(id) AS ids FROM removed GROUP BY created_at, owner_id) g WHERE t.created_at = g.created_at AND t.owner_id = g.owner_id AND t.ids && g.ids; DELETE FROM %1$s t USING (SELECT DISTINCT created_at, owner_id FROM removed) g WHERE t.created_at = g.created_at AND t.owner_id = g.owner_id AND cardinality(t.ids) = 0; DELETE FROM %2$s l USING removed r WHERE r.correlation_id IS NOT NULL AND l.correlation_id = r.correlation_id AND l.created_at = r.created_at AND l.id = r.id; RETURN NULL; END $b$ $f$, b, c); EXECUTE format($f$CREATE OR REPLACE FUNCTION ${prefix}job_listing_clear() RETURNS trigger LANGUAGE plpgsql AS $b$ BEGIN TRUNCATE %1$s, %2$s; RETURN NULL; END $b$ $f$, b, c); END $do$;

DROP TABLE ${prefix}job_listing;
