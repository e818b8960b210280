/** Declarative YAML files (data contracts, model specs) read with every problem placed at a file, line and field. */
package dev.keel.yaml;
