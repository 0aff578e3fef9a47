package dev.flows.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * A Java main class run in its own JVM on this JVM's class path, so a fault test can kill it with
 * SIGKILL, freeze it with SIGSTOP and thaw it with SIGCONT, stop it with SIGTERM and wait for its
 * exit code, write to its standard input and read what it printed. {@link #close()} stops it with
 * SIGTERM (a graceful stop) and waits.
 */
public final class ChildJvm implements AutoCloseable {
  /**
   * The exit code of a JVM stopped by SIGTERM, {@value}: 128 + 15, the status the JVM's SIGTERM
   * handler exits with once the shutdown hooks ran, however they ended.
   */
  public static final int EXIT_ON_SIGTERM = 143;

  private final Process process;
  private final StringBuffer output = new StringBuffer();

  private ChildJvm(Process process) {
    this.process = process;
    Thread reader = new Thread(this::collectOutput, "child-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts {@code main} with {@code args}, this JVM's class path, and {@code env} added to the
   * environment.
   */
  public static ChildJvm start(Class<?> main, Map<String, String> env, String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    try {
      return new ChildJvm(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + main.getName(), e);
    }
  }

  private void collectOutput() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        output.append(line).append('\n');
      }
    } catch (IOException e) {
      output.append("[output closed: ").append(e.getMessage()).append("]\n");
    }
  }

  /** Everything the process printed so far. */
  public String output() {
    return output.toString();
  }

  /** Whether the process still runs. */
  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * SIGTERM: asks the process to stop gracefully (its shutdown hooks run); returns at once. Unlike
   * {@link #close()}, it leaves the pipes open, so the test can still write to the process and read
   * what it prints while it stops. A JVM stopped so exits with {@link #EXIT_ON_SIGTERM}.
   */
  public void terminate() {
    signal("TERM");
  }

  /**
   * Waits up to {@code timeout} for the process to exit: its exit code, or empty if it still runs.
   */
  public OptionalInt awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
          ? OptionalInt.of(process.exitValue())
          : OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }

  /** SIGKILL, and wait until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(30));
  }

  /** SIGSTOP: the process freezes, heartbeats included. */
  public void freeze() {
    signal("STOP");
  }

  /** SIGCONT: the process runs on. */
  public void thaw() {
    signal("CONT");
  }

  /** Writes a line to the process's standard input. */
  public void writeLine(String line) {
    try {
      OutputStream in = process.getOutputStream();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * SIGTERM (a graceful stop that drains) and closes the pipes, so a read of stdin ends; waits for
   * the exit, and kills the process after 60 s.
   */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy(); // SIGTERM, and closes the pipes
      if (awaitExit(Duration.ofSeconds(60)).isEmpty()) {
        kill();
      }
    }
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
