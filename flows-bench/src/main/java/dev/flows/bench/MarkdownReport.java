package dev.flows.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes the latest run into {@code docs/benchmarks.md} between the markers {@value #START} and
 * {@value #END}, leaving the hand-written analysis around them as it is, and links the chart that
 * {@link Bench} writes next to it ({@value #CHART}), so the link works in the repository. Creates
 * the file (with the markers) if it is missing.
 */
final class MarkdownReport {
  static final String START =
      "<!-- bench:start (written by make bench; edits here are overwritten) -->";
  static final String END = "<!-- bench:end -->";

  /** The chart's file name, in the Markdown file's directory: {@value}. */
  static final String CHART = "benchmarks.png";

  /** Where the chart of a run that updates {@code markdown} goes. */
  static Path chart(Path markdown) {
    return markdown.resolveSibling(CHART);
  }

  private MarkdownReport() {}

  static void write(Report report, Path file) throws IOException {
    String doc =
        Files.exists(file)
            ? Files.readString(file)
            : "# Benchmarks\n\n" + START + "\n" + END + "\n";
    int start = doc.indexOf(START);
    int end = doc.indexOf(END);
    if (start < 0 || end < start) {
      doc = doc + "\n" + START + "\n" + END + "\n";
      start = doc.indexOf(START);
      end = doc.indexOf(END);
    }
    String updated =
        doc.substring(0, start + START.length()) + "\n" + body(report) + doc.substring(end);
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    Files.writeString(file, updated);
  }

  private static String body(Report report) {
    StringBuilder md = new StringBuilder();
    md.append("Latest run: **")
        .append(
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
                .format(report.date().atZone(ZoneOffset.UTC)))
        .append("**, command `")
        .append(report.command())
        .append("`.\n\n");
    md.append("- Machine: ").append(report.machine().describe()).append('\n');
    md.append("- Load average (1 min): ").append(report.load()).append('\n');
    md.append("- Services: ").append(report.services()).append('\n');
    md.append("- Each contender in its own JVM (")
        .append(String.join(" ", ChildRunner.HEAP_FLAGS))
        .append(
            "), one after another on the same input, each run repeated and interleaved (A B C, A B C, ...); the table shows the median run; records/s from the first record seen by the user function to the last "
                + "output acknowledged (stateless at-least-once, I/O-bound), the last offset committed after its state (stateful) or "
                + "in the transaction of its outputs (exactly-once, `eos` rows) or the last task "
                + "handled (tasks); RSS is the child's peak (VmHWM), the median of the runs (min-max).\n");
    report
        .descriptions()
        .forEach(
            (name, text) -> md.append("- `").append(name).append("`: ").append(text).append('\n'));
    md.append(
        "\n| scenario | contender | records | seconds | records/s | runs (min-max) | peak RSS MiB | note |\n"
            + "|---|---|---:|---:|---:|---|---:|---|\n");
    for (Result r : report.results()) {
      md.append(String.format("| %s | %s | %s | %s | %,.0f | %s | %s | %s |%n", r.cells()));
    }
    md.append(
        "\n| scenario | ratio (records/s unless said) | value | goal | verdict |\n"
            + "|---|---|---:|---:|---|\n");
    for (Report.Ratio r : report.ratios()) {
      Comparison c = r.comparison();
      md.append(
          String.format(
              "| %s | %s | %.2fx | %s | %s |%n",
              c.scenario(), c.label(), r.value(), r.goal(), r.verdict()));
    }
    if (!report.recoveries().isEmpty()) {
      md.append(
          "\n| recovery case | protocol | from | to every partition, s | then to first record, s"
              + " | then to caught up, s | note |\n"
              + "|---|---|---|---|---|---|---|\n");
      for (Recovery r : report.recoveries()) {
        md.append(String.format("| %s | %s | %s | %s | %s | %s | %s |%n", r.cells()));
      }
    }
    if (!report.skipped().isEmpty()) {
      md.append('\n');
      report
          .skipped()
          .forEach(
              (name, reason) ->
                  md.append("- Skipped `").append(name).append("`: ").append(reason).append('\n'));
    }
    md.append("\n![records/s per scenario](" + CHART + ")\n");
    return md.toString();
  }
}
