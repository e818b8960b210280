/** Champion/challenger comparison on the same pinned test split: paired predictions, McNemar's exact test, paired bootstrap intervals, a verdict. */
package dev.keel.compare;
