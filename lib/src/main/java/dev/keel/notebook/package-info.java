/** Analysts' notebooks exported as Databricks-style SQL source, run headless on Spark against the lakehouse into an HTML report. */
package dev.keel.notebook;
