-- No query reads jobs by (status, node_id): extending leases goes by id, the reaper by lease expiry.
-- The index only cost writes: it changed with every claim and every end of an attempt.
DROP INDEX ${prefix}jobs_running;
