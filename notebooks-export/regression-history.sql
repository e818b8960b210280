-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Regression history
-- MAGIC How each model's test metrics moved across its versions and champions, with the paired comparisons' confidence intervals,
-- MAGIC McNemar's p-values and verdicts, the release gates' outcomes and accuracy per evaluation slice.

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Test metrics per model version
-- MAGIC Accuracy, macro-F1 and log loss of every version on its own test split (`keel_models.metrics`), the change from the previous version,
-- MAGIC and whether the version is or was the champion. Versions trained on different split versions are tested on different examples:
-- MAGIC the paired comparisons below are the like-for-like numbers.

-- COMMAND ----------

-- keel:chart line x=model_version y=test_accuracy,test_macro_f1 series=model
WITH current_champion AS (
  SELECT name, max_by(version, change) AS version
  FROM keel_model_aliases
  WHERE alias = 'champion'
  GROUP BY name
),
ever_champion AS (
  SELECT DISTINCT name, version
  FROM keel_model_aliases
  WHERE alias = 'champion'
),
version_metrics AS (
  SELECT
    name,
    version,
    created_at,
    test_table,
    test_version,
    element_at(metrics, 'accuracy') AS test_accuracy,
    element_at(metrics, 'macro_f1') AS test_macro_f1,
    element_at(metrics, 'log_loss') AS test_log_loss
  FROM keel_models
)
SELECT
  m.name AS model,
  m.version AS model_version,
  m.created_at AS registered_at,
  m.test_version AS test_split_version,
  m.test_accuracy,
  m.test_macro_f1,
  m.test_log_loss,
  m.test_accuracy - lag(m.test_accuracy) OVER (PARTITION BY m.name ORDER BY m.version) AS accuracy_change,
  m.test_macro_f1 - lag(m.test_macro_f1) OVER (PARTITION BY m.name ORDER BY m.version) AS macro_f1_change,
  coalesce(c.version = m.version, false) AS is_champion,
  e.version IS NOT NULL AS was_champion
FROM version_metrics m
LEFT JOIN current_champion c ON c.name = m.name
LEFT JOIN ever_champion e ON e.name = m.name AND e.version = m.version
ORDER BY model_version, model

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Champion history
-- MAGIC Every move of the `champion` alias (`keel_model_aliases`: promotions and rollbacks, forced or not, by whom and why), the new champion's
-- MAGIC test metrics, and the latest paired comparison of it against the version it replaced: metric deltas with their bootstrap intervals, and McNemar's p.

-- COMMAND ----------

-- keel:chart line x=champion_change y=test_accuracy,test_macro_f1
WITH comparisons AS (
  SELECT
    model_name,
    model_version,
    baseline_name,
    baseline_version,
    statistics,
    verdict,
    row_number() OVER (
      PARTITION BY model_name, model_version, baseline_name, baseline_version
      ORDER BY created_at DESC, run_id DESC) AS newest
  FROM keel_evaluations
  WHERE kind = 'comparison'
)
SELECT
  concat(a.name, ' #', cast(a.change AS STRING), ' -> @', cast(a.version AS STRING)) AS champion_change,
  a.name AS model,
  a.change,
  a.action,
  a.version AS champion_version,
  a.previous_version,
  a.forced,
  a.actor,
  a.reason,
  a.created_at AS changed_at,
  element_at(m.metrics, 'accuracy') AS test_accuracy,
  element_at(m.metrics, 'macro_f1') AS test_macro_f1,
  element_at(c.statistics, 'accuracy_delta') AS accuracy_delta,
  element_at(c.statistics, 'accuracy_delta_low') AS accuracy_delta_low,
  element_at(c.statistics, 'accuracy_delta_high') AS accuracy_delta_high,
  element_at(c.statistics, 'macro_f1_delta') AS macro_f1_delta,
  element_at(c.statistics, 'macro_f1_delta_low') AS macro_f1_delta_low,
  element_at(c.statistics, 'macro_f1_delta_high') AS macro_f1_delta_high,
  element_at(c.statistics, 'mcnemar_p') AS mcnemar_p,
  c.verdict AS comparison_verdict
FROM keel_model_aliases a
LEFT JOIN keel_models m
  ON m.name = a.name AND m.version = a.version
LEFT JOIN comparisons c
  ON c.newest = 1 AND c.model_name = a.name AND c.model_version = a.version
  AND c.baseline_name = a.name AND c.baseline_version = a.previous_version
WHERE a.alias = 'champion'
ORDER BY model, a.change

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Paired comparisons
-- MAGIC Every comparison (`keel_evaluations`, kind `comparison`): candidate and baseline classified the same test examples; the candidate-minus-baseline
-- MAGIC deltas with their paired bootstrap intervals at 1 - alpha, McNemar's counts (b: only the baseline right, c: only the candidate right) and exact p,
-- MAGIC and the verdict at alpha. `statistics` shows the whole map.

-- COMMAND ----------

-- keel:chart bar x=comparison y=accuracy_delta_low,accuracy_delta,accuracy_delta_high
SELECT
  concat(model_name, '@', cast(model_version AS STRING), ' vs ', baseline_name, '@', cast(baseline_version AS STRING), ' ', run_id) AS comparison,
  model_name,
  model_version,
  baseline_name,
  baseline_version,
  data_version AS test_split_version,
  examples,
  element_at(metrics, 'accuracy') AS candidate_accuracy,
  element_at(baseline_metrics, 'accuracy') AS baseline_accuracy,
  element_at(statistics, 'accuracy_delta') AS accuracy_delta,
  element_at(statistics, 'accuracy_delta_low') AS accuracy_delta_low,
  element_at(statistics, 'accuracy_delta_high') AS accuracy_delta_high,
  element_at(metrics, 'macro_f1') AS candidate_macro_f1,
  element_at(baseline_metrics, 'macro_f1') AS baseline_macro_f1,
  element_at(statistics, 'macro_f1_delta') AS macro_f1_delta,
  element_at(statistics, 'macro_f1_delta_low') AS macro_f1_delta_low,
  element_at(statistics, 'macro_f1_delta_high') AS macro_f1_delta_high,
  element_at(statistics, 'mcnemar_b') AS mcnemar_b,
  element_at(statistics, 'mcnemar_c') AS mcnemar_c,
  element_at(statistics, 'mcnemar_p') AS mcnemar_p,
  element_at(statistics, 'alpha') AS alpha,
  verdict,
  run_id,
  created_at AS compared_at,
  statistics
FROM keel_evaluations
WHERE kind = 'comparison'
ORDER BY created_at, run_id
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Release gate outcomes
-- MAGIC The overall result of every `keel gate` run (`keel_evaluations`, kind `gate`, slice `all`): passed or failed, how many gates failed,
-- MAGIC and the champion the version was gated against.

-- COMMAND ----------

SELECT
  model_name AS model,
  model_version,
  baseline_version AS champion_version_at_gating,
  verdict,
  cast(element_at(metrics, 'gates') AS BIGINT) AS gates,
  cast(element_at(metrics, 'failed') AS BIGINT) AS gates_failed,
  data_version AS test_split_version,
  run_id,
  created_at AS gated_at
FROM keel_evaluations
WHERE kind = 'gate' AND slice = 'all'
ORDER BY gated_at, model, model_version
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Each gate's numbers
-- MAGIC One row per gate per gating run: what was measured and the thresholds it was held to.

-- COMMAND ----------

SELECT
  model_name AS model,
  model_version,
  substr(slice, 6) AS gate,
  verdict,
  metrics AS measured,
  baseline_metrics AS thresholds,
  run_id,
  created_at AS gated_at
FROM keel_evaluations
WHERE kind = 'gate' AND slice LIKE 'gate:%'
ORDER BY gated_at, model, model_version, gate
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Accuracy per slice across versions
-- MAGIC The newest evaluation of each model version (`keel_evaluations`, kind `evaluation`), slice by slice: a slice that got worse while
-- MAGIC the overall number held is a regression the headline metric hides.

-- COMMAND ----------

-- keel:chart bar x=slice y=accuracy series=model_ref
WITH evaluation_runs AS (
  SELECT model_name, model_version, run_id, max(created_at) AS evaluated_at
  FROM keel_evaluations
  WHERE kind = 'evaluation'
  GROUP BY model_name, model_version, run_id
),
newest_runs AS (
  SELECT model_name, model_version, max_by(run_id, evaluated_at) AS run_id
  FROM evaluation_runs
  GROUP BY model_name, model_version
)
SELECT
  e.slice,
  concat(e.model_name, '@', cast(e.model_version AS STRING)) AS model_ref,
  e.model_name AS model,
  e.model_version,
  e.examples,
  element_at(e.metrics, 'accuracy') AS accuracy,
  element_at(e.metrics, 'macro_f1') AS macro_f1,
  e.data_version AS test_split_version,
  e.run_id,
  e.created_at AS evaluated_at
FROM keel_evaluations e
JOIN newest_runs n
  ON n.model_name = e.model_name AND n.model_version = e.model_version AND n.run_id = e.run_id
WHERE e.kind = 'evaluation'
ORDER BY e.slice, model, e.model_version
LIMIT 200
