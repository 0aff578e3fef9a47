package dev.flows.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What holds a child's memory (the bench's {@code --memory}): the JVM's native memory summary
 * (committed per category: heap, class metadata, threads, code, GC, direct buffers under "Other")
 * and the live heap's histogram, taken with {@code jcmd} at the end of a run, before the child is
 * stopped. The children run with {@value #TRACKING_FLAG}, which costs a few per cent.
 */
final class MemoryBreakdown {
  static final String TRACKING_FLAG = "-XX:NativeMemoryTracking=summary";

  private static final Pattern CATEGORY =
      Pattern.compile("^-\\s+(.+?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)");
  private static final Pattern TOTAL =
      Pattern.compile("^Total: reserved=\\d+KB, committed=(\\d+)KB");
  private static final int HISTOGRAM_LINES = 25;

  private MemoryBreakdown() {}

  /** Saves the summary and histogram of {@code pid} to {@code file} and prints one line of it. */
  static void save(long pid, Path file, double peakRssMb) throws InterruptedException {
    String nmt = jcmd(pid, "VM.native_memory", "summary");
    List<String> lines = jcmd(pid, "GC.class_histogram").lines().toList();
    List<String> histogram =
        new ArrayList<>(lines.subList(0, Math.min(HISTOGRAM_LINES, lines.size())));
    if (lines.size() > HISTOGRAM_LINES) {
      histogram.add("...");
      histogram.add(
          lines.get(lines.size() - 1)); // Total: the live heap after the full GC it forces
    }
    String text =
        "peak RSS (VmHWM) "
            + Math.round(peakRssMb)
            + " MiB\n\n"
            + nmt
            + "\n"
            + String.join("\n", histogram)
            + "\n";
    try {
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    System.out.printf("    memory: %s (%s)%n", committedPerCategory(nmt), file.getFileName());
  }

  /** "total 402: Java Heap 310, Class 12, ..." in MiB committed, the largest first. */
  static String committedPerCategory(String nmt) {
    record Category(String name, long mib) {}
    List<Category> categories = new ArrayList<>();
    String total = "?";
    for (String line : nmt.lines().map(String::trim).toList()) {
      Matcher category = CATEGORY.matcher(line);
      Matcher sum = TOTAL.matcher(line);
      if (category.find()) {
        categories.add(new Category(category.group(1), Long.parseLong(category.group(2)) / 1024));
      } else if (sum.find()) {
        total = Long.toString(Long.parseLong(sum.group(1)) / 1024);
      }
    }
    categories.sort(Comparator.comparingLong(Category::mib).reversed());
    List<String> parts = new ArrayList<>();
    for (Category c : categories) {
      if (c.mib() > 0) {
        parts.add(c.name() + " " + c.mib());
      }
    }
    return "MiB committed " + total + ": " + String.join(", ", parts);
  }

  private static String jcmd(long pid, String... command) throws InterruptedException {
    List<String> args = new ArrayList<>();
    args.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
    args.add(Long.toString(pid));
    args.addAll(List.of(command));
    try {
      Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        return "jcmd " + String.join(" ", command) + " failed: " + out;
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
