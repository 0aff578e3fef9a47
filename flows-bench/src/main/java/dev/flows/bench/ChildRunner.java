package dev.flows.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Runs one contender in its own JVM (same class path and heap flags for all) and measures it from
 * outside: the interval runs from the child's FIRST mark to the moment {@code progress} reaches the
 * record count (polled every {@value #POLL_MS} ms), or to the child's DONE mark when there is no
 * progress to watch; then it reads the child's peak RSS and kills it.
 */
final class ChildRunner {
  /** Heap flags of every contender. */
  static final List<String> HEAP_FLAGS = List.of("-Xmx1g");

  static final long POLL_MS = 25;

  private final Path logs;
  private final boolean memory;

  /**
   * @param logs where each run's log (and memory breakdown) goes
   * @param memory track native memory and save its breakdown before stopping each child
   */
  ChildRunner(Path logs, boolean memory) {
    this.logs = logs;
    this.memory = memory;
  }

  /**
   * One run.
   *
   * @param id a file-name-safe id, also the log file's name
   * @param contender the {@link ChildMain} contender
   * @param records how many records make the run complete
   * @param progress how many are done so far, or {@code null} to wait for the child's DONE mark
   * @param extraFlags JVM flags on top of {@link #HEAP_FLAGS} (a JFR recording)
   */
  record Run(
      String id,
      String contender,
      Params params,
      long records,
      LongSupplier progress,
      long timeoutSeconds,
      List<String> extraFlags) {}

  Measurement run(Run run) throws IOException, InterruptedException {
    Path log = logs.resolve(run.id() + ".log");
    Process process = new ProcessBuilder(command(run)).redirectError(log.toFile()).start();
    AtomicLong first = new AtomicLong();
    AtomicLong done = new AtomicLong();
    Thread reader = new Thread(() -> readMarks(process, first, done), "marks-" + run.id());
    reader.setDaemon(true);
    reader.start();
    try {
      long end = awaitEnd(run, process, done, log);
      while (first.get() == 0) {
        Thread.sleep(POLL_MS);
      }
      double peakRss = peakRssMb(process.pid());
      if (memory) {
        MemoryBreakdown.save(process.pid(), logs.resolve(run.id() + ".memory.txt"), peakRss);
      }
      return new Measurement(run.records(), (end - first.get()) / 1000.0, peakRss, first.get());
    } finally {
      stop(process);
    }
  }

  private long awaitEnd(Run run, Process process, AtomicLong done, Path log)
      throws InterruptedException {
    long deadline = System.currentTimeMillis() + TimeUnit.SECONDS.toMillis(run.timeoutSeconds());
    while (true) {
      if (run.progress() == null ? done.get() > 0 : run.progress().getAsLong() >= run.records()) {
        return run.progress() == null ? done.get() : System.currentTimeMillis();
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            run.id() + " exited with code " + process.exitValue() + ", see " + log);
      }
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(
            run.id() + " did not finish within " + run.timeoutSeconds() + " s, see " + log);
      }
      Thread.sleep(POLL_MS);
    }
  }

  private List<String> command(Run run) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(HEAP_FLAGS);
    if (memory) {
      command.add(MemoryBreakdown.TRACKING_FLAG);
    }
    command.addAll(run.extraFlags());
    command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ChildMain.class.getName());
    command.add(run.contender());
    command.addAll(run.params().toArgs());
    return command;
  }

  private static void readMarks(Process process, AtomicLong first, AtomicLong done) {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith(Marks.FIRST)) {
          first.compareAndSet(0, Long.parseLong(line.substring(Marks.FIRST.length()).trim()));
        } else if (line.startsWith(Marks.DONE)) {
          done.compareAndSet(0, Long.parseLong(line.substring(Marks.DONE.length()).trim()));
        }
      }
    } catch (IOException e) {
      // the child is gone; awaitEnd reports it
    }
  }

  /** VmHWM of {@code pid} in MiB: the peak resident set, kept by the kernel. */
  static double peakRssMb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
      return Double.NaN;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the peak RSS of process " + pid, e);
    }
  }

  private static void stop(Process process) throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
