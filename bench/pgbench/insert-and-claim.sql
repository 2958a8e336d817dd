-- One single submit as JdbcJobStore.insertOneAndClaimPg sends it, against a schema "w2x" made from the
-- migrations (see docs/performance.md, Reproduce):
--   pgbench -h 127.0.0.1 -U postgres -n -M prepared -c 1 -t 4000 -f bench/pgbench/insert-and-claim.sql docket_test
\set n random(1, 1000000000)
WITH direct AS (SELECT CAST(now() AS timestamptz) <= CAST(now() AS timestamptz) AND NOT EXISTS (SELECT 1 FROM w2x.docket_jobs WHERE status = 'QUEUED' AND queue = 'default' AND scheduled_at <= now()) AND NOT EXISTS (SELECT 1 FROM w2x.docket_queues pq WHERE pq.queue = 'default' AND pq.paused = TRUE) AS yes),
 ins AS (INSERT INTO w2x.docket_jobs (id, function_name, queue, status, priority, args, attempts, max_attempts, correlation_id, owner_id, timeout_ms, backoff, cancel_requested, created_at, scheduled_at, created_by, history_implicit, started_at, node_id, lease_token, lease_expires_at)
 SELECT 'j-' || :n || '-' || clock_timestamp(), 'noop', 'default', CASE WHEN yes THEN 'RUNNING' ELSE 'QUEUED' END, 0, '{"i":1}', CASE WHEN yes THEN 1 ELSE 0 END, 3, NULL, 'anonymous', NULL, NULL, FALSE, now(), now(), 'anonymous', TRUE, CASE WHEN yes THEN now() END, CASE WHEN yes THEN 'node' END, CASE WHEN yes THEN 'tok' END, CASE WHEN yes THEN now() + interval '30 seconds' END FROM direct ON CONFLICT (id) DO NOTHING RETURNING *)
SELECT id, status FROM ins;
