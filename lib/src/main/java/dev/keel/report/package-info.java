/**
 * Reports: self-contained HTML pages (model cards, compliance reports) with charts drawn by
 * ECharts, which is copied next to each page so that a report opens offline and archives whole.
 */
package dev.keel.report;
