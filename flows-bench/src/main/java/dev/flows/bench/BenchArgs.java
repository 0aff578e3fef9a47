package dev.flows.bench;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The command line of {@link Bench}.
 *
 * @param quick scale every record count by 1/10 (a smoke run)
 * @param scale multiply every record count by this (a run long enough that the JIT no longer
 *     counts); 1 by default
 * @param only the scenarios to run; empty for all but those a full run leaves out (materialise-sql)
 * @param jfr also profile the Flows stateless (at-least-once and exactly-once), stateful in-memory,
 *     materialise and session in-memory contenders with JFR (one extra run each, not in the table)
 * @param memory start every child with native memory tracking and save, before it is stopped, its
 *     native memory summary and heap histogram beside its log ({@code <run>.memory.txt})
 * @param out where results.json, results.png, logs and recordings go
 * @param docs the Markdown report to update, with its chart beside it, or {@code null}: by default
 *     a full run updates docs/benchmarks.md and docs/benchmarks.png, a quick or partial run does
 *     not
 * @param repeat runs per contender, interleaved; the table shows the median: by default 3, 1 for
 *     --quick
 * @param raw the arguments as given, for the report's command line
 */
record BenchArgs(
    boolean quick,
    int scale,
    Set<String> only,
    boolean jfr,
    boolean memory,
    Path out,
    Path docs,
    int repeat,
    List<String> raw) {
  static final String USAGE =
      "usage: Bench [--quick] [--scale n] [--only scenario[,scenario]] [--repeat n] [--jfr] [--memory] [--out dir] [--docs file.md|none]";

  /** Runs per contender of a full run: {@value}. */
  static final int DEFAULT_REPEAT = 3;

  static BenchArgs parse(String... args) {
    boolean quick = false;
    int scale = 1;
    boolean jfr = false;
    boolean memory = false;
    Set<String> only = new LinkedHashSet<>();
    Path out = Path.of("flows-bench", "target", "bench");
    String docs = null;
    Integer repeat = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--scale" -> scale = Integer.parseInt(value(args, ++i));
        case "--jfr" -> jfr = true;
        case "--memory" -> memory = true;
        case "--only" -> only.addAll(List.of(value(args, ++i).split(",")));
        case "--out" -> out = Path.of(value(args, ++i));
        case "--docs" -> docs = value(args, ++i);
        case "--repeat" -> repeat = Integer.parseInt(value(args, ++i));
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "\n" + USAGE);
      }
    }
    if (docs == null) {
      docs = quick || !only.isEmpty() ? "none" : "docs/benchmarks.md";
    }
    if (repeat == null) {
      repeat = quick ? 1 : DEFAULT_REPEAT;
    }
    if (scale < 1 || (quick && scale > 1)) {
      throw new IllegalArgumentException(
          "--scale must be at least 1, and is not for --quick\n" + USAGE);
    }
    if (repeat < 1) {
      throw new IllegalArgumentException("--repeat must be at least 1\n" + USAGE);
    }
    return new BenchArgs(
        quick,
        scale,
        Set.copyOf(only),
        jfr,
        memory,
        out,
        docs.equals("none") ? null : Path.of(docs),
        repeat,
        List.of(args));
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException("missing value after " + args[i - 1] + "\n" + USAGE);
    }
    return args[i];
  }

  boolean selected(String scenario) {
    return only.isEmpty() || only.contains(scenario);
  }

  /** {@code count} times {@code --scale}, or a tenth of it for {@code --quick}. */
  int scaled(int count) {
    return quick ? count / 10 : Math.multiplyExact(count, scale);
  }

  /** How to repeat this run. */
  String command() {
    return "make bench" + (raw.isEmpty() ? "" : " BENCH_ARGS=\"" + String.join(" ", raw) + "\"");
  }
}
