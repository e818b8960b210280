-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Model lineage
-- MAGIC Model -> split -> dataset versions -> source files: for every registered model version, the split versions it was trained,
-- MAGIC validated and tested on, the dataset version behind them with its quality counts, the raw files it came from, and the run that trained it.

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Model versions and the data they saw
-- MAGIC One row per model version (`keel_models`): its train/val/test split table versions, the split manifest of its train split
-- MAGIC (`keel_split_manifests`, joined on `split_table`/`split_version`) and the dataset version that split was cut from (`keel_dataset_versions`).
-- MAGIC The counts are those of that dataset version's own ingest.

-- COMMAND ----------

SELECT
  m.name AS model,
  m.version AS model_version,
  m.created_at AS registered_at,
  m.owner,
  m.train_table,
  m.train_version,
  m.val_table,
  m.val_version,
  m.test_table,
  m.test_version,
  sm.dataset,
  sm.source_table AS dataset_table,
  sm.source_version AS dataset_version,
  sm.seed AS split_seed,
  sm.stratify_column AS split_stratify_column,
  sm.`rows` AS split_rows,
  dv.status AS dataset_version_status,
  dv.mode AS ingest_mode,
  dv.recorded_at AS ingested_at,
  dv.rows_read,
  dv.rows_clean,
  dv.rows_quarantined,
  dv.rows_duplicate,
  CASE WHEN dv.source_files IS NULL THEN NULL ELSE size(dv.source_files) END AS source_file_count,
  dv.contract_file,
  dv.contract_sha256,
  dv.run_id AS ingest_run_id
FROM keel_models m
LEFT JOIN keel_split_manifests sm
  ON sm.split_table = m.train_table AND sm.split_version = m.train_version
LEFT JOIN keel_dataset_versions dv
  ON dv.table_path = sm.source_table AND dv.version = sm.source_version AND dv.status = 'COMMITTED'
ORDER BY model, model_version

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Every dataset version behind a model version
-- MAGIC A dataset version holds what earlier versions ingested too, so a model depends on every committed version of its dataset
-- MAGIC up to the one its split was cut from: how many versions and source files, their bytes, and the rows those ingests read, kept and quarantined.

-- COMMAND ----------

-- keel:chart bar x=model_version y=rows_clean,rows_quarantined,rows_duplicate
WITH model_sources AS (
  SELECT
    m.name,
    m.version,
    sm.dataset,
    sm.source_table,
    sm.source_version
  FROM keel_models m
  JOIN keel_split_manifests sm
    ON sm.split_table = m.train_table AND sm.split_version = m.train_version
)
SELECT
  concat(s.name, '@', cast(s.version AS STRING)) AS model_version,
  s.dataset,
  s.source_version AS dataset_version,
  count(dv.version) AS dataset_versions,
  coalesce(sum(CASE WHEN dv.source_files IS NULL THEN 0 ELSE size(dv.source_files) END), 0) AS source_files,
  coalesce(sum(aggregate(dv.source_files, 0L, (acc, f) -> acc + coalesce(f.size, 0L))), 0) AS source_bytes,
  coalesce(sum(dv.rows_read), 0) AS rows_read,
  coalesce(sum(dv.rows_clean), 0) AS rows_clean,
  coalesce(sum(dv.rows_quarantined), 0) AS rows_quarantined,
  coalesce(sum(dv.rows_duplicate), 0) AS rows_duplicate
FROM model_sources s
LEFT JOIN keel_dataset_versions dv
  ON dv.table_path = s.source_table AND dv.status = 'COMMITTED' AND dv.version <= s.source_version
GROUP BY s.name, s.version, s.dataset, s.source_version
ORDER BY s.name, s.version

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Source files per model version
-- MAGIC The raw files (path, size, modification time) of every dataset version behind each model version, and the ingest run that read them.

-- COMMAND ----------

SELECT
  m.name AS model,
  m.version AS model_version,
  sm.dataset,
  dv.version AS dataset_version,
  f.src.path AS source_file,
  f.src.size AS size_bytes,
  f.src.modification_time AS modified_at,
  dv.run_id AS ingest_run_id
FROM keel_models m
JOIN keel_split_manifests sm
  ON sm.split_table = m.train_table AND sm.split_version = m.train_version
JOIN keel_dataset_versions dv
  ON dv.table_path = sm.source_table AND dv.status = 'COMMITTED' AND dv.version <= sm.source_version
LATERAL VIEW explode(dv.source_files) f AS src
ORDER BY model, model_version, dataset_version, source_file
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Every split a model read has a manifest
-- MAGIC The train, val and test split versions of each model version, each with its manifest's leak counts (keys and groups in more than one split).
-- MAGIC `has_manifest` should be true everywhere: keel reads splits only through manifests.

-- COMMAND ----------

SELECT
  s.model,
  s.model_version,
  s.role,
  s.split_table,
  s.split_version,
  s.split_name,
  sm.split_version IS NOT NULL AS has_manifest,
  sm.key_overlap,
  sm.group_overlap,
  sm.keys_moved,
  sm.run_id AS split_run_id,
  sm.recorded_at AS split_recorded_at
FROM (
  SELECT
    m.name AS model,
    m.version AS model_version,
    r.role,
    r.split_table,
    r.split_version,
    r.split_name
  FROM keel_models m
  LATERAL VIEW stack(3,
    'train', m.train_table, m.train_version, m.train_split,
    'val', m.val_table, m.val_version, m.val_split,
    'test', m.test_table, m.test_version, m.test_split) r AS role, split_table, split_version, split_name
) s
LEFT JOIN keel_split_manifests sm
  ON sm.split_table = s.split_table AND sm.split_version = s.split_version
ORDER BY s.model, s.model_version, CASE s.role WHEN 'train' THEN 1 WHEN 'val' THEN 2 ELSE 3 END

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## The run that trained each version
-- MAGIC The training run (`keel_runs`) behind each model version: who ran it where, the code and configuration it ran with, and how long it took.

-- COMMAND ----------

SELECT
  m.name AS model,
  m.version AS model_version,
  m.run_id AS training_run_id,
  r.kind AS run_kind,
  r.status AS run_status,
  r.actor,
  r.host,
  r.keel_version,
  r.git_commit,
  r.code_sha256,
  r.config_hash,
  m.backend,
  m.workers,
  m.seed,
  m.model_sha256,
  m.spec_sha256,
  r.started_at,
  r.ended_at,
  unix_timestamp(r.ended_at) - unix_timestamp(r.started_at) AS wall_seconds,
  r.slurm_job_id
FROM keel_models m
LEFT JOIN keel_runs r ON r.run_id = m.run_id
ORDER BY model, model_version
