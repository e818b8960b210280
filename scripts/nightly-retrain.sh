#!/usr/bin/env bash
# One night of a keel pipeline, as cron runs it: under a lock (a second run while one is going
# exits 75 at once and does nothing), its output in a log file of its own, the pipeline's exit code
# passed through, and a one-screen summary at the end.
#
#   scripts/nightly-retrain.sh [PIPELINE_CONFIG]     default conf/pipelines/digits.properties
#
# Exit codes: the pipeline's (0 done, 2 bad config, 3 data quality, 4 candidate rejected by its gates,
# 5 an external system did not answer, 6 access denied), or 75 when another run holds the lock.
# Environment: KEEL_NIGHTLY_LOGS (default logs/nightly), KEEL_ACTOR (who the runs are recorded as;
# promoting to champion needs a release-manager such as release-bot), and keel's own settings.
set -uo pipefail

KEEL_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$KEEL_HOME"
config="${1:-conf/pipelines/digits.properties}"
if [ ! -f "$config" ]; then
  echo "nightly-retrain: no pipeline config $config: give one, e.g. conf/pipelines/digits.properties" >&2
  exit 2
fi
name=$(sed -n 's/^[[:space:]]*pipeline\.name[[:space:]]*[=:][[:space:]]*\([A-Za-z0-9_-]*\).*/\1/p' "$config" | head -1)
if [ -z "$name" ]; then
  echo "nightly-retrain: $config sets no pipeline.name: add one, e.g. pipeline.name = digits" >&2
  exit 2
fi
logs="${KEEL_NIGHTLY_LOGS:-logs/nightly}"
mkdir -p "$logs" .keel
lock=".keel/nightly-$name.lock"
exec 9> "$lock"
if ! flock -n 9; then
  echo "nightly-retrain: pipeline $name is already running (lock $lock is held); this run did nothing" >&2
  exit 75
fi

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
log="$logs/$name-$(date -u +%Y%m%dT%H%M%SZ)-$$.log"
begin=$(date +%s)
scripts/keel pipeline --config "$config" > "$log" 2>&1
status=$?
seconds=$(( $(date +%s) - begin ))
case "$status" in
  0) outcome="done" ;;
  2) outcome="bad usage or configuration" ;;
  3) outcome="a data-quality check failed; the next run continues from the failed step" ;;
  4) outcome="the candidate was rejected by its gates; the champion stays" ;;
  5) outcome="an external system did not answer; the next run continues from the failed step" ;;
  6) outcome="access denied" ;;
  *) outcome="failed; the next run continues from the failed step" ;;
esac

echo "== keel nightly: pipeline $name, started $started, ${seconds} s =="
echo "exit $status: $outcome"
if grep -q "^Pipeline $name, attempt" "$log"; then
  sed -n "/^Pipeline $name, attempt/,\$p" "$log" | head -n 14
else
  grep -E "^keel: |^\[keel\] (ingest|quality|split|train|evaluate|compare|gate|promote|report):" "$log" | tail -n 12
fi
echo "log: $log"
exit "$status"
