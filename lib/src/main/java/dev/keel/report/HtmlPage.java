package dev.keel.report;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.keel.config.Locations;
import dev.keel.error.UsageException;

/**
 * A report page being written: headings, paragraphs, tables (all text escaped) and ECharts charts
 * given as option objects. {@link #write} puts {@code index.html} and {@code echarts.min.js} into
 * a local or Hadoop directory.
 */
public final class HtmlPage {
    /** The ECharts build inside the webjar on the classpath. */
    private static final String ECHARTS = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String title;
    private final StringBuilder body = new StringBuilder();
    private final List<String> charts = new ArrayList<>();

    public HtmlPage(String title) {
        this.title = requireNonNull(title, "title");
    }

    public HtmlPage heading(String text) {
        body.append("<h2>").append(escape(text)).append("</h2>\n");
        return this;
    }

    public HtmlPage paragraph(String text) {
        body.append("<p>").append(escape(text)).append("</p>\n");
        return this;
    }

    /** A two-column table of labels and values. */
    public HtmlPage facts(Map<String, String> facts) {
        body.append("<table class=\"facts\">\n");
        facts.forEach((k, v) -> body.append("<tr><th>").append(escape(k)).append("</th><td>").append(escape(v)).append("</td></tr>\n"));
        body.append("</table>\n");
        return this;
    }

    /** A table with a header row; an empty table says {@code empty} instead. */
    public HtmlPage table(List<String> header, List<List<String>> rows, String empty) {
        if (rows.isEmpty()) {
            return paragraph(empty);
        }
        body.append("<table class=\"rows\">\n<tr>");
        header.forEach(h -> body.append("<th>").append(escape(h)).append("</th>"));
        body.append("</tr>\n");
        for (List<String> row : rows) {
            body.append("<tr>");
            row.forEach(c -> body.append("<td>").append(escape(c)).append("</td>"));
            body.append("</tr>\n");
        }
        body.append("</table>\n");
        return this;
    }

    /** Preformatted text, e.g. a spec. */
    public HtmlPage code(String text) {
        body.append("<pre>").append(escape(text)).append("</pre>\n");
        return this;
    }

    /**
     * A chart: an ECharts option object (maps, lists, numbers and strings), drawn into a
     * container with id {@code chart-<id>} and class {@code chart}.
     */
    public HtmlPage chart(String id, Map<String, Object> option) {
        if (!id.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("Cannot add chart: id must be lower-case letters, digits and '-', cannot be: " + id);
        }
        body.append("<div class=\"chart\" id=\"chart-").append(id).append("\"></div>\n");
        try {
            charts.add("draw('chart-" + id + "', " + JSON.writeValueAsString(option).replace("</", "<\\/") + ");");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Cannot add chart " + id + ": its option is not JSON-serialisable: " + e.getMessage(), e);
        }
        return this;
    }

    /**
     * Writes {@code index.html} and {@code echarts.min.js} into {@code dir} (created if needed): a
     * local directory, or an {@code s3a://} or {@code hdfs://} one beside a lake there. Returns the
     * page's location.
     */
    public String write(String dir, Configuration hadoop) {
        byte[] html = html().getBytes(StandardCharsets.UTF_8);
        try (InputStream in = HtmlPage.class.getClassLoader().getResourceAsStream(ECHARTS)) {
            if (in == null) {
                throw new IllegalStateException("Cannot write report: " + ECHARTS + " is not on the classpath (the echarts webjar)");
            }
            byte[] echarts = in.readAllBytes();
            if (Locations.isLocal(dir)) {
                Path local = Path.of(Locations.normalize(dir));
                Files.createDirectories(local);
                Files.write(local.resolve("echarts.min.js"), echarts);
                return Files.write(local.resolve("index.html"), html).toString();
            }
            org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(dir);
            FileSystem fs = remote.getFileSystem(hadoop);
            put(fs, new org.apache.hadoop.fs.Path(remote, "echarts.min.js"), echarts);
            org.apache.hadoop.fs.Path index = new org.apache.hadoop.fs.Path(remote, "index.html");
            put(fs, index, html);
            return index.toString();
        } catch (IOException e) {
            throw new UsageException("Cannot write report to " + dir + " (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "): give a writable directory");
        }
    }

    private static void put(FileSystem fs, org.apache.hadoop.fs.Path file, byte[] bytes) throws IOException {
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write(bytes);
        }
    }

    private String html() {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title) + "</title>\n"
                + "<style>\n"
                + "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}\n"
                + "h1{border-bottom:2px solid #345}h2{margin-top:1.6em;color:#345}\n"
                + "table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;"
                + "font-size:13px;vertical-align:top}\n"
                + "table.facts th{background:#f3f5f8;width:14em}table.rows th{background:#f3f5f8}\n"
                + ".chart{width:100%;height:340px;margin:.5em 0}pre{background:#f6f6f6;padding:.8em;font-size:12px;overflow:auto}\n"
                + "</style>\n<script src=\"echarts.min.js\"></script>\n</head>\n<body>\n<h1>" + escape(title) + "</h1>\n"
                + body
                + "<script>\nfunction draw(id, option) {\n"
                + "  var chart = echarts.init(document.getElementById(id), null, {renderer: 'svg'});\n"
                + "  option.animation = false;\n  chart.setOption(option);\n"
                + "  document.getElementById(id).setAttribute('data-rendered', 'true');\n}\n"
                + String.join("\n", charts) + "\n</script>\n</body>\n</html>\n";
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
