/** keel: versioned data, pinned splits, DL4J training and audited model releases on Apache Spark. */
package dev.keel;
