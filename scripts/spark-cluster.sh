#!/usr/bin/env bash
# A real Spark standalone cluster on 127.0.0.1: one master JVM and N worker JVMs, started from the
# Spark installation that scripts/spark-home.sh assembles from the project's own Maven artifacts
# (or from $SPARK_HOME when it is a real Spark 3.5 distribution), and stopped by PID.
#
#   scripts/spark-cluster.sh up [WORKERS [CORES [MEMORY]]]   start (idempotent); prints the master URL
#   scripts/spark-cluster.sh down                            stop the workers, then the master
#   scripts/spark-cluster.sh status                          exit 0 when the master has its workers
#
# Defaults: 2 workers of 1 core and 2g each. SPARK_CLUSTER_PORT (default 7077) and
# SPARK_CLUSTER_UI_PORT (default 8080) choose the master's ports; state and logs live in
# .keel/spark-cluster-<port>/. Train on it with parameter averaging through spark-submit:
#   SPARK_HOME=$(scripts/spark-home.sh) KEEL_SPARK_SUBMIT_OPTS="--master spark://127.0.0.1:7077" \
#     scripts/keel train --spec conf/models/digits-mlp.yaml --split digits@0 --workers 2
set -euo pipefail

KEEL_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${SPARK_CLUSTER_PORT:-7077}"
UI_PORT="${SPARK_CLUSTER_UI_PORT:-8080}"
STATE="$KEEL_HOME/.keel/spark-cluster-$PORT"
MASTER_URL="spark://127.0.0.1:$PORT"
# shellcheck source=scripts/java-opens.sh
source "$KEEL_HOME/scripts/java-opens.sh"

positive() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || {
    echo "spark-cluster: invalid $1 '$2': give a whole number of 1 or more" >&2
    exit 2
  }
}

alive() {
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# The number of ALIVE workers the master reports, or nothing when it does not answer.
alive_workers() {
  { curl -fsS --max-time 2 "http://127.0.0.1:$UI_PORT/json/" 2>/dev/null || true; } | tr -d ' \n' \
    | sed -n 's/.*"aliveworkers":\([0-9]*\).*/\1/p'
}

spark_home() {
  if [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-class" ]; then
    echo "$SPARK_HOME"
  else
    "$KEEL_HOME/scripts/spark-home.sh"
  fi
}

start() {
  local name=$1
  shift
  nohup "$HOME_DIR/bin/spark-class" "$@" > "$STATE/$name.log" 2>&1 &
  echo $! > "$STATE/$name.pid"
}

up() {
  local workers=${1:-2} cores=${2:-1} memory=${3:-2g}
  positive WORKERS "$workers"
  positive CORES "$cores"
  [[ "$memory" =~ ^[1-9][0-9]*[mg]$ ]] || {
    echo "spark-cluster: invalid MEMORY '$memory': give megabytes or gigabytes such as 1500m or 2g" >&2
    exit 2
  }
  local shape="$workers worker(s) of $cores core(s) and $memory"
  if alive "$STATE/master.pid"; then
    local running
    running=$(cat "$STATE/shape" 2>/dev/null || echo "an unknown shape")
    if [ "$running" = "$shape" ] && [ "$(alive_workers)" = "$workers" ]; then
      echo "$MASTER_URL"
      return 0
    fi
    echo "spark-cluster: a cluster on port $PORT is up with $running, not $shape: run 'scripts/spark-cluster.sh down' first" >&2
    exit 2
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    echo "spark-cluster: port $PORT is taken by another process: set SPARK_CLUSTER_PORT to a free port" >&2
    exit 5
  fi
  HOME_DIR=$(spark_home)
  mkdir -p "$STATE"
  rm -f "$STATE"/*.pid "$STATE/shape"
  export SPARK_HOME="$HOME_DIR" SPARK_SCALA_VERSION=2.12 SPARK_DAEMON_JAVA_OPTS="${KEEL_JAVA_OPENS[*]}" SPARK_LOG_DIR="$STATE"
  echo "$shape" > "$STATE/shape"
  echo "[spark-cluster] master $MASTER_URL (web UI http://127.0.0.1:$UI_PORT), $shape" >&2
  start master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$PORT" --webui-port "$UI_PORT"
  for i in $(seq 1 "$workers"); do
    mkdir -p "$STATE/worker-$i"
    start "worker-$i" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --webui-port 0 \
      --cores "$cores" --memory "$memory" --work-dir "$STATE/worker-$i" "$MASTER_URL"
  done
  for _ in $(seq 1 240); do
    if [ "$(alive_workers)" = "$workers" ]; then
      echo "$MASTER_URL"
      return 0
    fi
    for pid in "$STATE"/*.pid; do
      if ! alive "$pid"; then
        local log="${pid%.pid}.log"
        echo "spark-cluster: $(basename "${pid%.pid}") exited during start; see $log" >&2
        tail -20 "$log" >&2
        down > /dev/null
        exit 5
      fi
    done
    sleep 0.5
  done
  echo "spark-cluster: the master did not report $workers worker(s) within 120 s; see the logs in $STATE" >&2
  down > /dev/null
  exit 5
}

stop() {
  local pid_file=$1 pid
  pid=$(cat "$pid_file")
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$pid_file"
  echo "stopped $(basename "${pid_file%.pid}") (pid $pid)"
}

down() {
  local stopped=false
  for pid_file in "$STATE"/worker-*.pid "$STATE"/master.pid; do
    if [ -f "$pid_file" ]; then
      stop "$pid_file"
      stopped=true
    fi
  done
  rm -f "$STATE/shape"
  $stopped || echo "no Spark cluster is running on port $PORT"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  status)
    n=$(alive_workers)
    if alive "$STATE/master.pid" && [ -n "$n" ]; then echo "up: $MASTER_URL with $n worker(s)"; else echo "down"; exit 1; fi ;;
  *) echo "usage: scripts/spark-cluster.sh up [WORKERS [CORES [MEMORY]]] | down | status" >&2; exit 2 ;;
esac
