#!/usr/bin/env bash
# A real single-node Slurm on 127.0.0.1 for tests and demos: Debian's munge, slurmctld, slurmd and
# slurmrestd (installed with apt-get when missing), configured in a scratch directory and stopped
# by their PIDs. Must run as root (slurmd runs jobs as their users; slurmrestd drops to an
# unprivileged user after binding).
#
#   scripts/slurm-local.sh up       install if needed, start (idempotent); prints the REST URL
#   scripts/slurm-local.sh token [USER [SECONDS]]   prints a JWT for USER (default: the invoking user)
#   scripts/slurm-local.sh status   exit 0 when slurmrestd answers and the node is up
#   scripts/slurm-local.sh down     stop every daemon by its PID
#
# SLURM_LOCAL_PORT (default 6820) is slurmrestd's port. State, logs and slurm.conf live in
# .keel/slurm-<port>/ under the project. Point keel at it with:
#   KEEL_SLURM_URL=http://127.0.0.1:6820 KEEL_SLURM_JWT=$(scripts/slurm-local.sh token) scripts/keel slurm ping
set -euo pipefail

KEEL_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${SLURM_LOCAL_PORT:-6820}"
STATE="$KEEL_HOME/.keel/slurm-$PORT"
CONF="$STATE/slurm.conf"
REST_USER="${SLURM_LOCAL_REST_USER:-nobody}"
export SLURM_CONF="$CONF"

say() {
  echo "[slurm-local] $*" >&2
}

require_root() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "slurm-local.sh: run as root (sudo scripts/slurm-local.sh $1): slurmctld and slurmd need it" >&2
    exit 2
  fi
}

install() {
  if command -v slurmctld > /dev/null && command -v slurmrestd > /dev/null && command -v munged > /dev/null \
      && [ -n "$(find /usr/lib -name auth_jwt.so -path '*slurm*' 2> /dev/null | head -1)" ]; then
    return 0
  fi
  say "installing Debian's slurm-wlm, slurmrestd and munge (apt-get)"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm slurmrestd slurm-wlm-jwt-plugin munge \
    slurm-client > /dev/null
}

pid_alive() {
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2> /dev/null
}

rest_answers() {
  (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null
}

configure() {
  mkdir -p "$STATE"/{spool,state,log,munge,munge-run,run}
  chown slurm:slurm "$STATE"/{spool,state,log} 2> /dev/null || true
  if [ ! -f "$STATE/jwt.key" ]; then
    head -c 32 /dev/urandom > "$STATE/jwt.key"
  fi
  chown slurm:slurm "$STATE/jwt.key"
  chmod 600 "$STATE/jwt.key"
  if [ ! -f "$STATE/munge/munge.key" ]; then
    head -c 1024 /dev/urandom > "$STATE/munge/munge.key"
  fi
  chown -R munge:munge "$STATE/munge" "$STATE/munge-run"
  chmod 700 "$STATE/munge"
  chmod 755 "$STATE/munge-run"
  chmod 400 "$STATE/munge/munge.key"
  chmod 755 "$STATE/run"
  local cpus mem
  cpus=$(nproc)
  mem=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 * 8 / 10 ))
  cat > "$CONF.new" <<CONF
# Written by scripts/slurm-local.sh: one node on 127.0.0.1.
ClusterName=keel-local
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=slurm
SlurmctldPort=$((PORT + 1))
SlurmdPort=$((PORT + 2))
AuthType=auth/munge
AuthInfo=socket=$STATE/munge-run/munge.socket
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$STATE/jwt.key
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerParameters=batch_sched_delay=0
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$STATE/log/jobcomp.txt
MinJobAge=600
DefMemPerCPU=512
ReturnToService=2
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/run/slurmctld.pid
SlurmdPidFile=$STATE/run/slurmd.pid
SlurmctldLogFile=$STATE/log/slurmctld.log
SlurmdLogFile=$STATE/log/slurmd.log
MailProg=/bin/true
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
  mv "$CONF.new" "$CONF"
  chmod 644 "$CONF"
}

up() {
  require_root up
  if status > /dev/null 2>&1; then
    echo "http://127.0.0.1:$PORT"
    return 0
  fi
  install
  configure
  if ! pid_alive "$STATE/munge-run/munged.pid"; then
    setpriv --reuid=munge --regid=munge --init-groups -- munged --socket="$STATE/munge-run/munge.socket" \
      --key-file="$STATE/munge/munge.key" --pid-file="$STATE/munge-run/munged.pid" --seed-file="$STATE/munge/munge.seed" \
      --log-file="$STATE/munge/munged.log" --force
    for _ in $(seq 1 50); do [ -S "$STATE/munge-run/munge.socket" ] && break; sleep 0.1; done
  fi
  # A cluster started from down starts empty (-c): jobs left by an earlier run, say a failed
  # test's, do not come back to hold the node's CPUs.
  if ! pid_alive "$STATE/run/slurmctld.pid"; then
    slurmctld -c -f "$CONF"
  fi
  if ! pid_alive "$STATE/run/slurmd.pid"; then
    slurmd -c -f "$CONF" -N localhost
  fi
  for _ in $(seq 1 150); do
    # Started, and started again when it exits early (the port of a slurmrestd that was just
    # stopped can take a moment to free).
    if ! pid_alive "$STATE/run/slurmrestd.pid"; then
      SLURM_JWT=daemon nohup slurmrestd -f "$CONF" -a rest_auth/jwt -s openapi/v0.0.38,openapi/v0.0.37 -u "$REST_USER" \
        "127.0.0.1:$PORT" >> "$STATE/log/slurmrestd.log" 2>&1 &
      echo $! > "$STATE/run/slurmrestd.pid"
    fi
    if rest_answers && sinfo -h -o '%T' 2> /dev/null | grep -qE '^(idle|mixed|allocated)'; then
      say "up: slurmctld, slurmd, slurmrestd on 127.0.0.1 (node $(sinfo -h -o '%T'), state in $STATE)"
      echo "http://127.0.0.1:$PORT"
      return 0
    fi
    sleep 0.2
  done
  echo "slurm-local.sh: Slurm did not come up within 30 s; see $STATE/log/" >&2
  tail -n 5 "$STATE"/log/*.log >&2 || true
  exit 5
}

token() {
  local user="${1:-${SUDO_USER:-$(id -un)}}" lifespan="${2:-3600}"
  scontrol token username="$user" lifespan="$lifespan" | sed -n 's/^SLURM_JWT=//p'
}

status() {
  rest_answers && pid_alive "$STATE/run/slurmctld.pid" && pid_alive "$STATE/run/slurmd.pid" \
    && sinfo -h -o '%T' 2> /dev/null | grep -qE '^(idle|mixed|allocated)'
}

down() {
  local pid_file pid
  for pid_file in "$STATE/run/slurmrestd.pid" "$STATE/run/slurmd.pid" "$STATE/run/slurmctld.pid" "$STATE/munge-run/munged.pid"; do
    # A daemon may remove its own PID file as it exits: read it once.
    pid=$(cat "$pid_file" 2> /dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null; then
      kill "$pid" 2> /dev/null || true
      for _ in $(seq 1 50); do kill -0 "$pid" 2> /dev/null || break; sleep 0.1; done
      kill -9 "$pid" 2> /dev/null || true
    fi
    rm -f "$pid_file"
  done
  say "down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  token) shift; token "$@" ;;
  status)
    if status; then echo "up: http://127.0.0.1:$PORT"; else echo "down"; exit 1; fi
    ;;
  *)
    echo "usage: slurm-local.sh up|down|status|token [USER [SECONDS]]" >&2
    exit 2
    ;;
esac
