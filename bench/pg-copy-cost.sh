#!/usr/bin/env bash
# What PostgreSQL itself spends on a batch enqueue, without Docket's client code: psql's \copy
# of 20 files of 1,000 rows each (one transaction per file, as a submitAll of 1,000 jobs) into
#   full     Docket's schema as the migrations make it (jobs + the listing triggers of V010: one
#            job_batches row per \copy of 1,000 jobs)
#   v9       the schema up to V009 (V007's job_listing: a listing row per job)
#   nolist   the full schema with the listing trigger disabled (what the listing costs)
#   dbsched  db-scheduler's table (bench/.../DbSchedulerSystem.PG_DDL) with the same number of rows
# (The "twocopy" variant of the session of 2026-12-02 19:05 UTC, the listing rows by a second
# \copy into job_listing, went with V010, which dropped that table.)
# rows/s per variant and round, the variants alternating. Nothing else should run meanwhile.
#   bench/pg-copy-cost.sh [rounds] [variants]     e.g. bench/pg-copy-cost.sh 5 full,dbsched
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-5}
VARIANTS=${2:-full,v9,nolist,dbsched}
export PGOPTIONS="-c client_min_messages=warning" # the NOTICEs of DROP ... CASCADE, not errors
PSQL=(psql -h 127.0.0.1 -U postgres -d "${PGDATABASE:-docket_test}" -q -v ON_ERROR_STOP=1)
W=$(mktemp -d)
chmod 755 "$W"
trap 'rm -rf "$W"; "${PSQL[@]}" -c "DROP SCHEMA IF EXISTS pgcopy CASCADE" >/dev/null 2>&1 || true' EXIT

python3 - "$W" <<'EOF'
import sys, uuid
w = sys.argv[1]
for k in range(20):
    with open(f"{w}/c{k}.txt", "w") as c, open(f"{w}/d{k}.txt", "w") as d:
        for i in range(1000):
            n = k * 1000 + i
            ts = f"2026-12-02 19:20:{k:02d}.000001+00" # one instant per file, as one submitAll's jobs
            jid = str(uuid.uuid1())
            c.write(f"{jid}\tnoop\tdefault\tQUEUED\t0\t{{\"i\":{n}}}\t0\t3\t\\N\tsystem\t\\N\t\\N\tf\t{ts}\t{ts}\tsystem\tt\n")
            d.write(f"noop\t{n}\t\\N\t{ts}\tf\t\\N\t1\t0\n")
EOF

JOBS="docket_jobs (id, function_name, queue, status, priority, args, attempts, max_attempts, correlation_id,"
JOBS+=" owner_id, timeout_ms, backoff, cancel_requested, created_at, scheduled_at, created_by, history_implicit)"

setup() { # $1 variant
  {
    echo "DROP SCHEMA IF EXISTS pgcopy CASCADE; CREATE SCHEMA pgcopy; SET search_path = pgcopy;"
    if [[ $1 == dbsched ]]; then
      sed -n '/PG_DDL =/,/""";/p' bench/src/main/java/dev/docket/bench/DbSchedulerSystem.java | sed '1,2d;$d'
    else
      echo "BEGIN;" # V007 locks the jobs table, which needs a transaction
      for f in jdbc-store/src/main/resources/dev/docket/jdbc/migration/postgresql/V0*.sql; do
        [[ $1 == v9 && $(basename "$f") > V009 && $(basename "$f") != V009* ]] && continue
        sed 's/\${prefix}/docket_/g' "$f"
      done
      echo "COMMIT;"
      if [[ $1 == nolist ]]; then echo "ALTER TABLE docket_jobs DISABLE TRIGGER docket_job_listing_add;"; fi
    fi
  } | "${PSQL[@]}" >/dev/null # errors still show, and stop the script (ON_ERROR_STOP, pipefail)
}

load() { # $1 variant
  for k in $(seq 0 19); do
    echo "SET search_path = pgcopy; BEGIN;"
    case $1 in
      dbsched) echo "\\copy scheduled_tasks (task_name, task_instance, task_data, execution_time, picked, picked_by, version, priority) FROM $W/d$k.txt" ;;
      *) echo "\\copy $JOBS FROM $W/c$k.txt" ;;
    esac
    echo "COMMIT;"
  done | "${PSQL[@]}"
}

for r in $(seq 1 "$ROUNDS"); do
  for v in ${VARIANTS//,/ }; do
    setup "$v"
    t0=$(date +%s%N)
    load "$v"
    t1=$(date +%s%N)
    printf 'round %d %-8s %7d rows/s\n' "$r" "$v" $((20000 * 1000000000 / (t1 - t0)))
  done
done
