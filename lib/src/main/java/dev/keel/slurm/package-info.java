/**
 * Slurm through slurmrestd: a client that negotiates the REST API version the daemon serves
 * (v0.0.38 of Slurm 22.05, v0.0.40 and later of 23.11+), submits, watches, cancels and lists jobs,
 * reads their logs, and retries a daemon that does not answer with bounded, jittered backoff.
 */
package dev.keel.slurm;
