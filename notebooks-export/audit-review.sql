-- Databricks notebook source
-- MAGIC %md
-- MAGIC # Audit review
-- MAGIC Who did what, when, and to which model: the `_keel/audit` trail (view `keel_audit`) by actor, by day and by model,
-- MAGIC the newest events, access denials, and a quick check of the hash chain's columns.

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Actions per actor
-- MAGIC Every audited action each actor (`KEEL_ACTOR`, else the Slurm job's user, else the OS user) performed, with when they first and last did it.

-- COMMAND ----------

-- keel:chart bar x=actor y=events series=action
SELECT
  actor,
  action,
  count(*) AS events,
  min(time) AS first_time,
  max(time) AS last_time
FROM keel_audit
GROUP BY actor, action
ORDER BY actor, action

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Actions per day
-- MAGIC How many events were audited each day, how many actors were active, how many events concerned models (`model.*`) and how many were access denials.

-- COMMAND ----------

-- keel:chart line x=day y=events,model_events,access_denials
SELECT
  to_date(time) AS day,
  count(*) AS events,
  count(DISTINCT actor) AS actors,
  count(DISTINCT action) AS distinct_actions,
  sum(CASE WHEN action LIKE 'model.%' THEN 1 ELSE 0 END) AS model_events,
  sum(CASE WHEN action = 'access.denied' THEN 1 ELSE 0 END) AS access_denials
FROM keel_audit
GROUP BY to_date(time)
ORDER BY day

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## The latest 200 events
-- MAGIC Newest first, with the run that recorded each one and the start of its JSON details.

-- COMMAND ----------

SELECT
  seq,
  time AS event_time,
  actor,
  action,
  subject,
  run_id,
  substr(details, 1, 160) AS details_excerpt
FROM keel_audit
ORDER BY seq DESC
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Model-related actions per model
-- MAGIC Events whose subject is a registered model (`digits-mlp`) or one of its versions (`digits-mlp@2`), per model and action.

-- COMMAND ----------

-- keel:chart bar x=action y=events series=model
WITH model_names AS (
  SELECT DISTINCT name FROM keel_models
)
SELECT
  n.name AS model,
  a.action,
  count(*) AS events,
  count(DISTINCT a.subject) AS subjects,
  count(DISTINCT a.actor) AS actors,
  min(a.time) AS first_time,
  max(a.time) AS last_time
FROM keel_audit a
JOIN model_names n ON substring_index(a.subject, '@', 1) = n.name
GROUP BY n.name, a.action
ORDER BY model, first_time, action

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Each model version's way to release
-- MAGIC Per model version: who trained it and when, when it was last gated, when it was promoted and by whom, and how many events name it.

-- COMMAND ----------

WITH model_names AS (
  SELECT DISTINCT name FROM keel_models
)
SELECT
  a.subject AS model_version,
  min(CASE WHEN a.action = 'model.trained' THEN a.time END) AS trained_at,
  min(CASE WHEN a.action = 'model.trained' THEN a.actor END) AS trained_by,
  max(CASE WHEN a.action = 'model.gated' THEN a.time END) AS last_gated_at,
  max(CASE WHEN a.action = 'model.promoted' THEN a.time END) AS last_promoted_at,
  max(CASE WHEN a.action = 'model.promoted' THEN a.actor END) AS promoted_by,
  count(*) AS events
FROM keel_audit a
JOIN model_names n ON substring_index(a.subject, '@', 1) = n.name
WHERE a.subject LIKE '%@%'
GROUP BY a.subject
ORDER BY trained_at, model_version
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Access denials
-- MAGIC Every refused command (`access.denied`): who, which command kind, the missing permission and the roles the actor held. A lakehouse where nobody was refused has none.

-- COMMAND ----------

-- keel:expect any
SELECT
  seq,
  time AS event_time,
  actor,
  subject,
  run_id,
  get_json_object(details, '$.kind') AS command_kind,
  get_json_object(details, '$.denied[0].permission') AS missing_permission,
  get_json_object(details, '$.denied[0].roles') AS actor_roles,
  get_json_object(details, '$.policy_sha256') AS policy_sha256
FROM keel_audit
WHERE action = 'access.denied'
ORDER BY seq DESC
LIMIT 200

-- COMMAND ----------

-- MAGIC %md
-- MAGIC ## Hash chain columns
-- MAGIC A quick look at the chain: sequence numbers without gaps or duplicates, every event with its hash, and each `prev_hash` equal to the previous event's `hash`.
-- MAGIC All counts but `events` should be 0. This does not recompute the SHA-256s: `keel audit verify` does, and checks the newest anchor.

-- COMMAND ----------

WITH chain AS (
  SELECT
    seq,
    event_id,
    hash,
    prev_hash,
    lag(hash) OVER (ORDER BY seq) AS previous_event_hash
  FROM keel_audit
)
SELECT
  count(*) AS events,
  count(DISTINCT event_id) AS distinct_event_ids,
  min(seq) AS first_seq,
  max(seq) AS max_seq,
  coalesce(max(seq) - min(seq) + 1 - count(DISTINCT seq), 0) AS seq_gaps,
  count(*) - count(DISTINCT seq) AS duplicate_seqs,
  coalesce(sum(CASE WHEN hash IS NULL OR prev_hash IS NULL THEN 1 ELSE 0 END), 0) AS events_without_hash,
  coalesce(sum(CASE WHEN previous_event_hash IS NOT NULL AND prev_hash <> previous_event_hash THEN 1 ELSE 0 END), 0) AS broken_links
FROM chain
