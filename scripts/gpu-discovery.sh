#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript, or
# spark.worker.resource.gpu.discoveryScript on a standalone worker): prints the GPUs this process
# may use as Spark's ResourceInformation JSON. Addresses come from CUDA_VISIBLE_DEVICES when it is
# set (as Slurm sets it for a job's GPUs), so that keel's executors map each address to the CUDA
# device it is; otherwise from nvidia-smi; none when neither exists.
set -euo pipefail

addresses=()
if [ -n "${CUDA_VISIBLE_DEVICES+x}" ]; then
  IFS=',' read -r -a listed <<< "$CUDA_VISIBLE_DEVICES"
  for a in "${listed[@]}"; do
    a="${a// /}"
    if [ -n "$a" ] && [ "$a" != "NoDevFiles" ] && [ "$a" != "-1" ]; then addresses+=("$a"); fi
  done
elif command -v nvidia-smi > /dev/null 2>&1; then
  while IFS= read -r index; do
    [ -n "$index" ] && addresses+=("${index// /}")
  done < <(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null || true)
fi

json=""
for a in "${addresses[@]+"${addresses[@]}"}"; do
  json="${json:+$json,}\"$a\""
done
echo "{\"name\": \"gpu\", \"addresses\": [$json]}"
