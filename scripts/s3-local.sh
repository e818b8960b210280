#!/usr/bin/env bash
# A real S3-compatible server on 127.0.0.1 for tests and demos: Adobe's S3Mock (from Maven Central),
# run as its own process.
#
#   scripts/s3-local.sh up     start it (idempotent) with bucket "lake"; prints the endpoint
#   scripts/s3-local.sh down   stop it by its PID
#   scripts/s3-local.sh status exit 0 when it answers
#
# S3_LOCAL_PORT (default 9090) and S3_LOCAL_BUCKETS (default "lake", comma-separated) choose
# the port and the buckets created at start. State lives in .keel/s3mock/ under the project.
# Point keel at it with:
#   KEEL_S3_ENDPOINT=http://127.0.0.1:9090 KEEL_S3_PATH_STYLE_ACCESS=true KEEL_S3_SSL_ENABLED=false \
#   KEEL_S3_ACCESS_KEY=any KEEL_S3_SECRET_KEY=any scripts/keel --set lake.root=s3a://lake/demo doctor
set -euo pipefail

KEEL_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${S3_LOCAL_PORT:-9090}"
BUCKETS="${S3_LOCAL_BUCKETS:-lake}"
VERSION=4.12.4
STATE="$KEEL_HOME/.keel/s3mock-$PORT"
PID_FILE="$STATE/s3mock.pid"
JAR="$HOME/.m2/repository/com/adobe/testing/s3mock/$VERSION/s3mock-$VERSION-exec.jar"

answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

running() {
  [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null
}

up() {
  if running && answers; then
    echo "s3mock already up: http://127.0.0.1:$PORT (pid $(cat "$PID_FILE"))"
    return 0
  fi
  if [ ! -f "$JAR" ]; then
    echo "[s3-local] fetching s3mock $VERSION from Maven Central" >&2
    mvn -B -q dependency:get -Dartifact="com.adobe.testing:s3mock:$VERSION:jar:exec" -Dtransitive=false 2>&1 | sed "s/\x1b\[[0-9;]*m//g" >&2
  fi
  mkdir -p "$STATE/data"
  nohup java -Xmx512m -jar "$JAR" \
    --com.adobe.testing.s3mock.httpPort="$PORT" --server.port=0 --server.address=127.0.0.1 \
    --com.adobe.testing.s3mock.store.initialBuckets="$BUCKETS" \
    --com.adobe.testing.s3mock.store.root="$STATE/data" \
    --com.adobe.testing.s3mock.store.retainFilesOnExit=false \
    > "$STATE/s3mock.log" 2>&1 &
  echo $! > "$PID_FILE"
  for _ in $(seq 1 120); do
    if answers; then
      echo "s3mock up: http://127.0.0.1:$PORT (pid $(cat "$PID_FILE"), buckets $BUCKETS)"
      return 0
    fi
    if ! running; then
      echo "s3-local: s3mock exited during start; see $STATE/s3mock.log" >&2
      tail -20 "$STATE/s3mock.log" >&2
      exit 5
    fi
    sleep 0.5
  done
  echo "s3-local: s3mock did not answer on port $PORT within 60 s; see $STATE/s3mock.log" >&2
  exit 5
}

down() {
  if running; then
    local pid
    pid=$(cat "$PID_FILE")
    kill "$pid"
    for _ in $(seq 1 40); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.25
    done
    kill -9 "$pid" 2>/dev/null || true
    echo "s3mock stopped (pid $pid)"
  else
    echo "s3mock is not running"
  fi
  rm -f "$PID_FILE"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) if running && answers; then echo "up"; else echo "down"; exit 1; fi ;;
  *) echo "usage: scripts/s3-local.sh up|down|status" >&2; exit 2 ;;
esac
