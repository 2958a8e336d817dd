#!/usr/bin/env bash
# Builds the bench module and runs the JMH micro-benchmarks of Docket's store hot paths
# (dev.docket.bench.jmh.JobStoreBench: submit, submitBatch, claim, complete, completeBatch on H2
# and PostgreSQL). Arguments go to JMH, e.g.:
#   bench/jmh.sh                          all of them (about 4 minutes)
#   bench/jmh.sh 'JobStoreBench.claim' -p db=postgres -p claimBatch=8,16,64
#   bench/jmh.sh -rf json -rff bench/results/jmh.json
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${SKIP_BUILD:-0}" != "1" ]]; then
  mvn -q -Pbench -pl bench -am package -DskipTests
fi
if [[ $# -eq 0 ]]; then
  set -- JobStoreBench
fi
exec java -Xmx2g -cp "bench/target/docket-bench.jar:bench/target/lib/*" org.openjdk.jmh.Main "$@"
