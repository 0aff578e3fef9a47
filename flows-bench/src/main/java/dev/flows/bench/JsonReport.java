package dev.flows.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Writes a {@link Report} as {@code results.json} (hand-written: the bench needs no JSON library).
 */
final class JsonReport {
  private JsonReport() {}

  static void write(Report report, Path file) throws IOException {
    Machine m = report.machine();
    String json =
        "{\n"
            + "  \"date\": "
            + str(report.date().toString())
            + ",\n"
            + "  \"command\": "
            + str(report.command())
            + ",\n"
            + "  \"heapFlags\": "
            + str(String.join(" ", ChildRunner.HEAP_FLAGS))
            + ",\n"
            + "  \"machine\": {\"cores\": "
            + m.cores()
            + ", \"memoryGib\": "
            + num(m.memoryGib())
            + ", \"jdk\": "
            + str(m.jdk())
            + ", \"os\": "
            + str(m.os())
            + "},\n"
            + "  \"services\": "
            + str(report.services())
            + ",\n"
            + "  \"loadAverage\": "
            + str(report.load())
            + ",\n"
            + "  \"scenarios\": "
            + object(report.descriptions())
            + ",\n"
            + "  \"results\": [\n"
            + report.results().stream().map(JsonReport::result).collect(Collectors.joining(",\n"))
            + "\n  ],\n"
            + "  \"ratios\": [\n"
            + report.ratios().stream().map(JsonReport::ratio).collect(Collectors.joining(",\n"))
            + "\n  ],\n"
            + "  \"recoveries\": [\n"
            + report.recoveries().stream()
                .map(JsonReport::recovery)
                .collect(Collectors.joining(",\n"))
            + "\n  ],\n"
            + "  \"skipped\": "
            + object(report.skipped())
            + "\n"
            + "}\n";
    Files.writeString(file, json);
  }

  private static String result(Result r) {
    return "    {\"scenario\": "
        + str(r.scenario())
        + ", \"contender\": "
        + str(r.contender())
        + ", \"records\": "
        + r.records()
        + ", \"seconds\": "
        + num(r.seconds())
        + ", \"recordsPerSecond\": "
        + num(r.perSecond())
        + ", \"peakRssMib\": "
        + num(r.peakRssMb())
        + ", \"note\": "
        + str(r.note())
        + ", \"runs\": "
        + r.runs().stream().map(JsonReport::num).collect(Collectors.joining(", ", "[", "]"))
        + ", \"peakRssRunsMib\": "
        + r.rssRuns().stream().map(JsonReport::num).collect(Collectors.joining(", ", "[", "]"))
        + "}";
  }

  private static String recovery(Recovery r) {
    return "    {\"case\": "
        + str(r.name())
        + ", \"protocol\": "
        + str(r.protocol())
        + ", \"from\": "
        + str(r.event())
        + ", \"toAssignedSeconds\": "
        + r.toAssigned().stream().map(JsonReport::num).collect(Collectors.joining(", ", "[", "]"))
        + ", \"toFirstRecordSeconds\": "
        + r.toFirstRecord().stream()
            .map(JsonReport::num)
            .collect(Collectors.joining(", ", "[", "]"))
        + ", \"toCaughtUpSeconds\": "
        + r.toCaughtUp().stream().map(JsonReport::num).collect(Collectors.joining(", ", "[", "]"))
        + ", \"note\": "
        + str(r.note())
        + "}";
  }

  private static String ratio(Report.Ratio r) {
    Comparison c = r.comparison();
    return "    {\"scenario\": "
        + str(c.scenario())
        + ", \"contender\": "
        + str(c.contender())
        + ", \"peer\": "
        + str(c.peer())
        + ", \"measure\": "
        + str(c.measure().label)
        + ", \"ratio\": "
        + num(r.value())
        + ", \"goal\": "
        + num(c.goal())
        + ", \"verdict\": "
        + str(r.verdict())
        + "}";
  }

  private static String object(Map<String, String> map) {
    return map.entrySet().stream()
        .map(e -> str(e.getKey()) + ": " + str(e.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  private static String num(double value) {
    return Double.isNaN(value) || Double.isInfinite(value)
        ? "null"
        : String.format(Locale.ROOT, "%.3f", value);
  }

  static String str(String value) {
    StringBuilder s = new StringBuilder("\"");
    for (char ch : value.toCharArray()) {
      switch (ch) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        default -> s.append(ch < 0x20 ? String.format("\\u%04x", (int) ch) : String.valueOf(ch));
      }
    }
    return s.append('"').toString();
  }
}
