-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Compute cost
-- MAGIC What training cost: GPU-hours and CPU-hours of the Slurm jobs keel waited for (`keel_compute_usage`) per model, per week and per user,
-- MAGIC with their sampled CPU and GPU utilisation, and the training runs per model with their wall time (`keel_runs`).

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Per model
-- MAGIC Jobs, GPU-hours, CPU-hours and elapsed hours per subject (the model, or the sweep's model), with the mean sampled utilisation (0-1;
-- MAGIC empty without samples) and the utilisation weighted by hours as `keel usage` reports it. A lakehouse without Slurm jobs has no rows here.

-- COMMAND ----------

-- keel:expect any
-- keel:chart bar x=model y=gpu_hours,cpu_hours
SELECT
  subject AS model,
  count(*) AS jobs,
  count(DISTINCT run_id) AS runs,
  sum(gpu_hours) AS gpu_hours,
  sum(cpu_hours) AS cpu_hours,
  sum(elapsed_seconds) / 3600.0D AS elapsed_hours,
  avg(cpu_utilisation) AS mean_cpu_utilisation,
  avg(gpu_utilisation) AS mean_gpu_utilisation,
  sum(CASE WHEN cpu_utilisation IS NOT NULL THEN cpu_utilisation * elapsed_seconds END)
    / nullif(sum(CASE WHEN cpu_utilisation IS NOT NULL THEN elapsed_seconds END), 0) AS weighted_cpu_utilisation,
  sum(CASE WHEN gpu_utilisation IS NOT NULL THEN gpu_utilisation * elapsed_seconds END)
    / nullif(sum(CASE WHEN gpu_utilisation IS NOT NULL THEN elapsed_seconds END), 0) AS weighted_gpu_utilisation,
  max(peak_memory_mb) AS peak_memory_mb
FROM keel_compute_usage
GROUP BY subject
ORDER BY gpu_hours DESC, cpu_hours DESC, model

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Per week
-- MAGIC The same totals per week (weeks start on Monday), by the time the jobs started.

-- COMMAND ----------

-- keel:expect any
-- keel:chart line x=week y=gpu_hours,cpu_hours
SELECT
  date_trunc('week', started_at) AS week,
  count(*) AS jobs,
  count(DISTINCT subject) AS models,
  sum(gpu_hours) AS gpu_hours,
  sum(cpu_hours) AS cpu_hours,
  sum(elapsed_seconds) / 3600.0D AS elapsed_hours,
  avg(cpu_utilisation) AS mean_cpu_utilisation,
  avg(gpu_utilisation) AS mean_gpu_utilisation
FROM keel_compute_usage
GROUP BY date_trunc('week', started_at)
ORDER BY week

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Per user and kind of job
-- MAGIC Who used the hours, on which partition, for training, sweep tasks or a sweep's final comparison, and how many jobs did not complete.

-- COMMAND ----------

-- keel:expect any
SELECT
  `user` AS slurm_user,
  kind AS job_kind,
  `partition` AS slurm_partition,
  count(*) AS jobs,
  sum(CASE WHEN state <> 'COMPLETED' THEN 1 ELSE 0 END) AS jobs_not_completed,
  sum(gpu_hours) AS gpu_hours,
  sum(cpu_hours) AS cpu_hours,
  avg(cpu_utilisation) AS mean_cpu_utilisation,
  avg(gpu_utilisation) AS mean_gpu_utilisation
FROM keel_compute_usage
GROUP BY `user`, kind, `partition`
ORDER BY gpu_hours DESC, cpu_hours DESC, slurm_user, job_kind, slurm_partition

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## The latest 200 Slurm jobs
-- MAGIC One row per job (or array task): its allocation, how it ended, its hours and its sampled utilisation.

-- COMMAND ----------

-- keel:expect any
SELECT
  slurm_job_id,
  run_id,
  kind AS job_kind,
  subject AS model,
  `user` AS slurm_user,
  `partition` AS slurm_partition,
  state,
  exit_code,
  nodes,
  cpus,
  gpus,
  elapsed_seconds,
  gpu_hours,
  cpu_hours,
  cpu_utilisation,
  gpu_utilisation,
  peak_memory_mb,
  utilisation_samples,
  utilisation_source,
  started_at,
  ended_at
FROM keel_compute_usage
ORDER BY started_at DESC, slurm_job_id DESC
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Training runs per model
-- MAGIC Every training run in `keel_runs` (kind `train`, or `train-submit` for a training submitted to Slurm), attributed to the model it registered
-- MAGIC (`keel_models.run_id`) or, failing that, to the model its audit events name; with its outcome and wall time (ended_at - started_at; empty while running).

-- COMMAND ----------

-- keel:chart bar x=model y=training_runs series=run_kind
WITH audited_models AS (
  SELECT run_id, min(substring_index(subject, '@', 1)) AS model
  FROM keel_audit
  WHERE action IN ('model.trained', 'slurm.submitted')
  GROUP BY run_id
),
registered_models AS (
  SELECT run_id, min(name) AS model
  FROM keel_models
  GROUP BY run_id
),
training_runs AS (
  SELECT
    coalesce(rm.model, am.model, '(no model recorded)') AS model,
    r.kind,
    r.status,
    unix_timestamp(r.ended_at) - unix_timestamp(r.started_at) AS wall_seconds
  FROM keel_runs r
  LEFT JOIN registered_models rm ON rm.run_id = r.run_id
  LEFT JOIN audited_models am ON am.run_id = r.run_id
  WHERE r.kind IN ('train', 'train-submit')
)
SELECT
  model,
  kind AS run_kind,
  count(*) AS training_runs,
  sum(CASE WHEN status = 'SUCCEEDED' THEN 1 ELSE 0 END) AS succeeded,
  sum(CASE WHEN status = 'FAILED' THEN 1 ELSE 0 END) AS failed,
  sum(CASE WHEN status = 'RUNNING' THEN 1 ELSE 0 END) AS running,
  sum(wall_seconds) AS total_wall_seconds,
  round(sum(wall_seconds) / 3600.0D, 4) AS total_wall_hours,
  avg(wall_seconds) AS mean_wall_seconds,
  max(wall_seconds) AS max_wall_seconds
FROM training_runs
GROUP BY model, kind
ORDER BY model, run_kind

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## The latest 200 training runs
-- MAGIC Each training run with its model, actor, host, Slurm job (if any) and wall time.

-- COMMAND ----------

WITH registered_models AS (
  SELECT run_id, min(concat(name, '@', cast(version AS STRING))) AS model_version
  FROM keel_models
  GROUP BY run_id
)
SELECT
  r.run_id,
  r.kind AS run_kind,
  r.status,
  rm.model_version,
  r.actor,
  r.host,
  r.slurm_job_id,
  r.started_at,
  r.ended_at,
  unix_timestamp(r.ended_at) - unix_timestamp(r.started_at) AS wall_seconds,
  r.error
FROM keel_runs r
LEFT JOIN registered_models rm ON rm.run_id = r.run_id
WHERE r.kind IN ('train', 'train-submit')
ORDER BY r.started_at DESC, r.run_id DESC
LIMIT 200
