-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Data quality trend
-- MAGIC How clean each dataset version was: rows read, kept, quarantined and dropped as duplicates per ingest (`keel_dataset_versions`),
-- MAGIC the quarantine rate over time, why rows were quarantined, the dataset rules, the column profile, and the nightly pipeline's quality gate.

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Rows per dataset version
-- MAGIC One row per ingest attempt (COMMITTED or REJECTED) and restore. Rows are conserved when rows read = clean + quarantined + duplicates.

-- COMMAND ----------

-- keel:chart bar x=dataset_version y=rows_clean,rows_quarantined,rows_duplicate
SELECT
  concat(dataset, '@', coalesce(cast(version AS STRING), concat('rejected ', run_id))) AS dataset_version,
  dataset,
  version,
  status,
  mode,
  recorded_at,
  rows_read,
  rows_clean,
  rows_quarantined,
  rows_duplicate,
  rows_quarantined / nullif(rows_read, 0) AS quarantine_rate,
  rows_duplicate / nullif(rows_read, 0) AS duplicate_rate,
  rows_read = rows_clean + rows_quarantined + rows_duplicate AS rows_conserved,
  run_id,
  error
FROM keel_dataset_versions
ORDER BY dataset, recorded_at, run_id
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Quarantine rate over time
-- MAGIC The share of each ingest's rows that were quarantined or dropped as duplicates, in percent.

-- COMMAND ----------

-- keel:chart line x=dataset_version y=quarantined_pct,duplicate_pct
SELECT
  concat(dataset, '@', coalesce(cast(version AS STRING), concat('rejected ', run_id))) AS dataset_version,
  recorded_at,
  status,
  rows_read,
  round(100.0D * rows_quarantined / nullif(rows_read, 0), 2) AS quarantined_pct,
  round(100.0D * rows_duplicate / nullif(rows_read, 0), 2) AS duplicate_pct
FROM keel_dataset_versions
ORDER BY dataset, recorded_at, run_id
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Why rows were quarantined
-- MAGIC Quarantined rows per rule family (`malformed`, `type`, `not_null`, a contract rule ...) and dataset version. A row that broke several rules counts under each.

-- COMMAND ----------

-- keel:chart bar x=rule_family y=quarantined_rows series=dataset_version
SELECT
  substring_index(q.rule, ':', 1) AS rule_family,
  concat(d.dataset, '@', coalesce(cast(d.version AS STRING), concat('rejected ', d.run_id))) AS dataset_version,
  sum(q.quarantined_rows) AS quarantined_rows,
  count(*) AS rules,
  min(d.recorded_at) AS recorded_at
FROM keel_dataset_versions d
LATERAL VIEW explode(d.quarantined_by_rule) q AS rule, quarantined_rows
GROUP BY substring_index(q.rule, ':', 1), d.dataset, d.version, d.run_id
ORDER BY rule_family, recorded_at, dataset_version

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Quarantined rows per rule
-- MAGIC The same, rule by rule (`not_null:pixel_3`, `label_is_digit:label` ...).

-- COMMAND ----------

SELECT
  d.dataset,
  d.version,
  d.status,
  q.rule,
  q.quarantined_rows,
  q.quarantined_rows / nullif(d.rows_read, 0) AS share_of_rows_read,
  d.run_id
FROM keel_dataset_versions d
LATERAL VIEW explode(d.quarantined_by_rule) q AS rule, quarantined_rows
ORDER BY d.dataset, d.recorded_at, q.quarantined_rows DESC, q.rule
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Dataset rule outcomes
-- MAGIC Each contract's dataset rules (`min_rows`, completeness, uniqueness, the quarantine ratio, SQL checks) on every ingest: observed against expected.

-- COMMAND ----------

SELECT
  d.dataset,
  d.version,
  d.status,
  c.chk.name AS rule,
  c.chk.passed AS passed,
  c.chk.observed AS observed,
  c.chk.expected AS expected,
  d.recorded_at,
  d.run_id
FROM keel_dataset_versions d
LATERAL VIEW explode(d.checks) c AS chk
ORDER BY d.dataset, d.recorded_at, rule
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Column completeness per dataset version
-- MAGIC From each version's column profile: how many columns were profiled, the mean and the largest null fraction, and which column had it.

-- COMMAND ----------

-- keel:chart line x=dataset_version y=max_null_fraction,mean_null_fraction
SELECT
  concat(d.dataset, '@', coalesce(cast(d.version AS STRING), concat('rejected ', d.run_id))) AS dataset_version,
  min(d.recorded_at) AS recorded_at,
  count(*) AS columns_profiled,
  avg(m.metric.null_fraction) AS mean_null_fraction,
  max(m.metric.null_fraction) AS max_null_fraction,
  max_by(m.metric.`column`, m.metric.null_fraction) AS most_null_column
FROM keel_dataset_versions d
LATERAL VIEW explode(d.column_metrics) m AS metric
GROUP BY d.dataset, d.version, d.run_id
ORDER BY d.dataset, recorded_at

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Column profile across versions
-- MAGIC Every column's null fraction, range, mean and approximate distinct count per committed dataset version, with the mean's change from the previous version.

-- COMMAND ----------

SELECT
  d.dataset,
  m.metric.`column` AS column_name,
  d.version,
  m.metric.type AS column_type,
  m.metric.null_fraction AS null_fraction,
  m.metric.min AS min_value,
  m.metric.max AS max_value,
  m.metric.mean AS mean_value,
  m.metric.mean - lag(m.metric.mean) OVER (PARTITION BY d.dataset, m.metric.`column` ORDER BY d.version) AS mean_change,
  m.metric.approx_distinct AS approx_distinct
FROM keel_dataset_versions d
LATERAL VIEW explode(d.column_metrics) m AS metric
WHERE d.status = 'COMMITTED'
ORDER BY d.dataset, column_name, d.version
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## The nightly quality gate
-- MAGIC Every outcome of the pipeline's `quality` step (`keel_pipeline_runs`): the share of the night's new rows that were quarantined against
-- MAGIC `quality.max_quarantined`, with the dataset version the night's ingest produced. SKIPPED means the night brought no new data; FAILED stopped the night.

-- COMMAND ----------

-- keel:chart bar x=pipeline_run_id y=quarantined_pct
WITH ingests AS (
  SELECT
    pipeline,
    attempt,
    max_by(element_at(outputs, 'dataset'), ended_at) AS dataset,
    max_by(element_at(outputs, 'dataset_version'), ended_at) AS dataset_version
  FROM keel_pipeline_runs
  WHERE step = 'ingest' AND status = 'SUCCEEDED'
  GROUP BY pipeline, attempt
)
SELECT
  q.pipeline,
  q.attempt,
  q.pipeline_run_id,
  q.status,
  i.dataset,
  i.dataset_version,
  cast(element_at(q.outputs, 'quarantined_share') AS DOUBLE) AS quarantined_share,
  round(100.0D * cast(element_at(q.outputs, 'quarantined_share') AS DOUBLE), 2) AS quarantined_pct,
  q.message,
  q.run_id,
  q.ended_at
FROM keel_pipeline_runs q
LEFT JOIN ingests i ON i.pipeline = q.pipeline AND i.attempt = q.attempt
WHERE q.step = 'quality'
ORDER BY q.ended_at, q.pipeline_run_id
LIMIT 200
