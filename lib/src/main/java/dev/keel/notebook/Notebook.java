package dev.keel.notebook;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.keel.error.UsageException;

/**
 * A notebook in Databricks' SQL source export format: cells separated by
 * {@code -- COMMAND ----------}, markdown cells as {@code -- MAGIC %md} lines, query cells holding
 * one Spark SQL statement. keel reads two directives in a query cell's leading comments:
 * {@code -- keel:expect any} (the query may return no rows; otherwise it must return some) and
 * {@code -- keel:chart bar|line x=COL y=COL[,COL] [series=COL]}.
 *
 * @param file where it was read from
 * @param title the first markdown heading, else the file name
 * @param cells its cells in order
 */
public record Notebook(String file, String title, List<Cell> cells) {
    private static final String SEPARATOR = "-- COMMAND ----------";
    private static final Pattern CHART = Pattern.compile("--\\s*keel:chart\\s+(bar|line)\\s+x=(\\S+)\\s+y=(\\S+)(?:\\s+series=(\\S+))?\\s*");
    private static final Pattern EXPECT = Pattern.compile("--\\s*keel:expect\\s+(rows|any)\\s*");

    public Notebook {
        requireNonNull(file, "file");
        requireNonNull(title, "title");
        cells = List.copyOf(cells);
    }

    /** A cell: markdown text or a query. */
    public sealed interface Cell permits Markdown, Query {
    }

    /** Markdown text, its {@code -- MAGIC} prefixes removed. */
    public record Markdown(String text) implements Cell {
    }

    /**
     * A query cell.
     *
     * @param number its position among the notebook's cells, from 1
     * @param sql the statement
     * @param rowsExpected whether an empty result fails the notebook
     * @param chart the chart to draw from the result, if any
     */
    public record Query(int number, String sql, boolean rowsExpected, Optional<Chart> chart) implements Cell {
    }

    /**
     * A chart of a query's result.
     *
     * @param kind bar or line
     * @param x the category column
     * @param y the value columns
     * @param series a column whose values split the result into one series each, if any
     */
    public record Chart(String kind, String x, List<String> y, Optional<String> series) {
    }

    public static Notebook read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("Cannot read notebook " + file + " (" + e.getClass().getSimpleName()
                    + "): give a notebook exported as SQL source, e.g. notebooks-export/audit-review.sql");
        }
        return parse(file.toString(), text);
    }

    public static Notebook parse(String file, String text) {
        List<Cell> cells = new ArrayList<>();
        String title = Path.of(file).getFileName().toString();
        boolean titled = false;
        int number = 0;
        for (String chunk : text.replace("\r\n", "\n").split("\n\\s*" + Pattern.quote(SEPARATOR) + "\\s*\n", -1)) {
            List<String> lines = new ArrayList<>(chunk.strip().lines().toList());
            lines.removeIf(l -> l.strip().equals("-- Databricks notebook source") || l.strip().equals(SEPARATOR));
            if (lines.stream().allMatch(String::isBlank)) {
                continue;
            }
            number++;
            if (lines.get(0).startsWith("-- MAGIC")) {
                StringBuilder md = new StringBuilder();
                for (String l : lines) {
                    String body = l.replaceFirst("^-- MAGIC ?", "");
                    if (!body.strip().equals("%md")) {
                        md.append(body).append('\n');
                    }
                }
                String markdown = md.toString().strip();
                if (!titled && markdown.startsWith("# ")) {
                    title = markdown.lines().findFirst().orElseThrow().substring(2).strip();
                    titled = true;
                }
                cells.add(new Markdown(markdown));
                continue;
            }
            boolean rowsExpected = true;
            Optional<Chart> chart = Optional.empty();
            StringBuilder sql = new StringBuilder();
            for (String l : lines) {
                Matcher c = CHART.matcher(l.strip());
                Matcher e = EXPECT.matcher(l.strip());
                if (c.matches()) {
                    chart = Optional.of(new Chart(c.group(1), c.group(2), List.of(c.group(3).split(",")), Optional.ofNullable(c.group(4))));
                } else if (e.matches()) {
                    rowsExpected = e.group(1).equals("rows");
                } else if (l.strip().startsWith("-- keel:")) {
                    throw new UsageException("Notebook " + file + ", cell " + number + ": unknown directive '" + l.strip() + "': use "
                            + "'-- keel:expect any' or '-- keel:chart bar|line x=COL y=COL[,COL] [series=COL]'");
                } else {
                    sql.append(l).append('\n');
                }
            }
            String statement = sql.toString().strip();
            if (statement.endsWith(";")) {
                statement = statement.substring(0, statement.length() - 1).strip();
            }
            if (statement.isEmpty()) {
                throw new UsageException("Notebook " + file + ", cell " + number + " has directives but no SQL: add the query");
            }
            cells.add(new Query(number, statement, rowsExpected, chart));
        }
        if (cells.stream().noneMatch(c -> c instanceof Query)) {
            throw new UsageException("Notebook " + file + " has no query cell: export it as SQL source (cells separated by '" + SEPARATOR
                    + "')");
        }
        return new Notebook(file, title, cells);
    }
}
