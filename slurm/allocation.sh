#!/bin/bash
# Functions the keel job templates (train.sbatch, sweep.sbatch, ingest.sbatch) share, sourced from
# "$KEEL_HOME/slurm/allocation.sh" inside a Slurm allocation. Each one starts background work that
# keel_allocation_stop (run on EXIT) ends.
#
#   keel_allocation_init NAME   KEEL_HOME, the job's state directory ($KEEL_STATE) and SPARK_HOME
#   keel_spark_up               a Spark standalone master on the first node and a worker on every
#                               node; keel's spark-submit then runs against it (KEEL_SPARK_SUBMIT_OPTS)
#   keel_stop_on_signals        SIGUSR1 (the time limit is near) or SIGTERM to a running job
#                               (preemption's grace time, scancel --signal=TERM): stop keel and requeue
#                               the job; SIGTERM to a job being cancelled (scancel): stop keel and
#                               exit; to a job Slurm requeues (scontrol requeue, PreemptMode=REQUEUE):
#                               stop keel; a requeued job resumes from keel's last checkpoint
#   keel_run COMMAND...         runs keel in the background and waits, so that the signals reach it
#   keel_time_warning SECONDS   SIGUSR1 to the batch script SECONDS before the job's time limit
#   keel_sample_utilisation     every KEEL_SAMPLE_SECONDS (default 15) on every node: CPU busy share
#                               (/proc/stat), memory in use (/proc/meminfo) and, when nvidia-smi is
#                               there, the utilisation of the job's GPUs, into $KEEL_STATE/utilisation-HOST.tsv;
#                               keel meters their means into _keel/compute_usage when the job ends

keel_background=()
keel_pid=""
keel_restarts=""
keel_interrupting=""

keel_allocation_init() {
  keel_job_name="$1"
  : "${SLURM_JOB_ID:?run this script with sbatch}"
  KEEL_HOME="${KEEL_HOME:-${SLURM_SUBMIT_DIR:-$PWD}}"
  KEEL_STATE="$KEEL_HOME/.keel/slurm-job-$SLURM_JOB_ID"
  mkdir -p "$KEEL_STATE/work"
  mapfile -t keel_hosts < <(scontrol show hostnames "$SLURM_JOB_NODELIST")
  export KEEL_HOME KEEL_STATE SPARK_HOME
  SPARK_HOME="$("$KEEL_HOME/scripts/spark-home.sh")"
  export SPARK_SCALA_VERSION=2.12 SPARK_LOG_DIR="$KEEL_STATE"
  trap keel_allocation_stop EXIT
}

keel_allocation_stop() {
  for pid in "${keel_background[@]}"; do
    kill "$pid" 2> /dev/null || true
  done
  wait 2> /dev/null || true
}

# Runs "$@" once on every node of the allocation, in the background, sharing the job's CPUs.
keel_on_every_node() {
  local log="$1"
  shift
  srun --overlap --nodes="$SLURM_JOB_NUM_NODES" --ntasks="$SLURM_JOB_NUM_NODES" --ntasks-per-node=1 --kill-on-bad-exit=0 \
    "$@" > "$log" 2>&1 &
  keel_background+=($!)
}

keel_spark_up() {
  local memory="${KEEL_WORKER_MEMORY:-2g}" gpus="${KEEL_GPUS_PER_NODE:-0}"
  local master_host="${keel_hosts[0]}" port=$((20000 + SLURM_JOB_ID % 20000)) registered=0
  # shellcheck source=scripts/java-opens.sh
  source "$KEEL_HOME/scripts/java-opens.sh"
  export SPARK_DAEMON_JAVA_OPTS="${KEEL_JAVA_OPENS[*]}"
  if [ "$gpus" -gt 0 ]; then
    export SPARK_WORKER_OPTS="-Dspark.worker.resource.gpu.amount=$gpus \
-Dspark.worker.resource.gpu.discoveryScript=$KEEL_HOME/scripts/gpu-discovery.sh"
  fi
  echo "[$keel_job_name] job $SLURM_JOB_ID on ${keel_hosts[*]}: Spark master spark://$master_host:$port"
  "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host "$master_host" --port "$port" --webui-port 0 \
    > "$KEEL_STATE/master.log" 2>&1 &
  keel_background+=($!)
  # One worker per node, each with the CPUs Slurm gave this job there.
  keel_on_every_node "$KEEL_STATE/workers.log" \
    bash -c 'exec "$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker --cores "$SLURM_CPUS_ON_NODE" \
      --memory "$0" --work-dir "$1/work/$(hostname)" --webui-port 0 "$2"' \
    "$memory" "$KEEL_STATE" "spark://$master_host:$port"
  for _ in $(seq 1 240); do
    registered=$(grep -c "Registering worker" "$KEEL_STATE/master.log" 2> /dev/null || true)
    [ "$registered" -ge "$SLURM_JOB_NUM_NODES" ] && break
    sleep 0.5
  done
  if [ "${registered:-0}" -lt "$SLURM_JOB_NUM_NODES" ]; then
    echo "[$keel_job_name] only ${registered:-0} of $SLURM_JOB_NUM_NODES Spark worker(s) registered in 120 s; see $KEEL_STATE" >&2
    exit 5
  fi
  # keel runs through spark-submit (SPARK_HOME is set), which ships its jar to the executors.
  export KEEL_SPARK_SUBMIT_OPTS="--master spark://$master_host:$port ${KEEL_SPARK_SUBMIT_OPTS:-}"
}

keel_restart_count() {
  scontrol show job "$SLURM_JOB_ID" 2> /dev/null | sed -n 's/.*Restarts=\([0-9]*\).*/\1/p' | head -1
}

keel_job_state() {
  scontrol show job "$SLURM_JOB_ID" 2> /dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -1
}

keel_stop_on_signals() {
  keel_restarts=$(keel_restart_count)
  trap 'keel_interrupted USR1' USR1
  trap 'keel_interrupted TERM' TERM
}

keel_interrupted() {
  [ -z "$keel_interrupting" ] || return 0
  keel_interrupting=yes
  local restarts state
  restarts=$(keel_restart_count)
  state=$(keel_job_state)
  [ -z "$keel_pid" ] || kill -TERM "$keel_pid" 2> /dev/null || true
  [ -z "$keel_pid" ] || wait "$keel_pid" 2> /dev/null || true
  if [ "$1" = USR1 ]; then
    echo "[$keel_job_name] SIGUSR1, the time limit is near: keel stopped; requeueing job $SLURM_JOB_ID, which resumes from its last checkpoint"
    scontrol requeue "$SLURM_JOB_ID"
    exit 0
  fi
  # Slurm counts the restart as soon as it requeues a job (scontrol requeue, preemption in REQUEUE
  # mode); a job being cancelled is no longer RUNNING and must stay cancelled; a job that is still
  # RUNNING was told to stop (preemption's grace time, scancel --signal=TERM) and requeues itself.
  if [ "$restarts" != "$keel_restarts" ]; then
    echo "[$keel_job_name] SIGTERM: Slurm is requeueing job $SLURM_JOB_ID; keel stopped, the job resumes from its last checkpoint"
    exit 0
  fi
  if [ "$state" = RUNNING ]; then
    echo "[$keel_job_name] SIGTERM while running (preemption or scancel --signal): keel stopped; requeueing job $SLURM_JOB_ID, which resumes from its last checkpoint"
    scontrol requeue "$SLURM_JOB_ID"
    exit 0
  fi
  echo "[$keel_job_name] SIGTERM: job $SLURM_JOB_ID was cancelled; keel stopped (its checkpoints stay for keel train --resume)"
  exit 143
}

keel_run() {
  "$@" &
  keel_pid=$!
  wait "$keel_pid"
}

keel_time_warning() {
  local warning="$1" end now
  end=$(squeue -h -j "$SLURM_JOB_ID" -o %e 2> /dev/null || true)
  end=$(date -d "$end" +%s 2> /dev/null || true)
  [ -n "$end" ] || return 0
  now=$(date +%s)
  if [ $((end - warning - now)) -gt 0 ]; then
    (sleep $((end - warning - now)) && kill -USR1 $$) &
    keel_background+=($!)
  fi
}

keel_sample_utilisation() {
  keel_on_every_node "$KEEL_STATE/sampler.log" bash -c '
    out="$0/utilisation-$(hostname).tsv"; every="$1"
    read -r _ u n s i w q sq st _ < /proc/stat; busy=$((u + n + s + q + sq + st)); total=$((busy + i + w))
    while sleep "$every"; do
      read -r _ u n s i w q sq st _ < /proc/stat; b=$((u + n + s + q + sq + st)); t=$((b + i + w))
      cpu=$(awk -v b=$((b - busy)) -v t=$((t - total)) "BEGIN { if (t > 0) printf \"%.4f\", b / t }")
      busy=$b; total=$t
      mem=$(awk "/^MemTotal:/ { t = \$2 } /^MemAvailable:/ { a = \$2 } END { printf \"%d\", (t - a) / 1024 }" /proc/meminfo)
      gpu=""
      if command -v nvidia-smi > /dev/null 2>&1; then
        gpu=$(nvidia-smi ${CUDA_VISIBLE_DEVICES:+-i "$CUDA_VISIBLE_DEVICES"} --query-gpu=utilization.gpu \
          --format=csv,noheader,nounits 2> /dev/null | awk "{ s += \$1; n++ } END { if (n > 0) printf \"%.4f\", s / n / 100 }")
      fi
      printf "%s\t%s\t%s\t%s\n" "$(date +%s)" "$cpu" "$gpu" "$mem" >> "$out"
    done' "$KEEL_STATE" "${KEEL_SAMPLE_SECONDS:-15}"
}
