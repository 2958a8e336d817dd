#!/usr/bin/env bash
# Builds the bench module and runs the harness (dev.docket.bench.BenchMain) with -Xmx2g.
# Arguments pass through; with none it is the full run (W1 + W2, all four systems, H2 and
# PostgreSQL, 1 warm-up + 3 measured repetitions). Examples:
#   bench/run.sh --quick
#   bench/run.sh --systems docket,db-scheduler --dbs postgres --workloads w1 --n 5000
#   bench/run.sh --systems docket --dbs postgres --workloads w3,w4
#   SKIP_BUILD=1 bench/run.sh ...    (reuse the last build)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  mvn -q -Pbench -pl bench -am package -DskipTests
fi
exec java -Xms2g -Xmx2g ${BENCH_JAVA_OPTS:-} \
  -cp "bench/target/docket-bench.jar:bench/target/lib/*" \
  dev.docket.bench.BenchMain --results bench/results/results.jsonl "$@"
