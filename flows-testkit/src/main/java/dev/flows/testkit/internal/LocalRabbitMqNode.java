package dev.flows.testkit.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * This machine's RabbitMQ node as an operating-system process: what restarts a node that accepts
 * connections but answers none, which {@code rabbitmqctl} cannot reach either. Killing the node
 * keeps its durable queues and persistent messages on disk. Needs the rights to signal the {@code
 * rabbitmq} user's processes (root).
 */
public final class LocalRabbitMqNode {
  private static final Path LOG_DIRECTORY = Path.of("/var/log/rabbitmq");
  private static final long COMMAND_TIMEOUT_SECONDS = 60;

  private LocalRabbitMqNode() {}

  /**
   * Kills the node (SIGKILL to the {@code rabbitmq} user's Erlang VMs, its CLI tools' included),
   * starts it again ({@code rabbitmq-server -detached}) and waits up to {@code timeout} for {@code
   * answers}; whether it answers. Throws {@link AssertionError} when it cannot run the commands.
   */
  public static boolean restart(Duration timeout, BooleanSupplier answers) {
    run(List.of("pkill", "-KILL", "-u", "rabbitmq", "beam.smp"), true);
    run(List.of(server(), "-detached"), false);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (answers.getAsBoolean()) {
        return true;
      }
    }
    return answers.getAsBoolean();
  }

  /** The last {@code lines} lines of the node's log, or why they cannot be read. */
  public static String logTail(int lines) {
    try (var files = Files.list(LOG_DIRECTORY)) {
      Path log =
          files
              .filter(p -> p.getFileName().toString().matches("rabbit@.*(?<!_upgrade)\\.log"))
              .findFirst()
              .orElse(null);
      if (log == null) {
        return "(no log in " + LOG_DIRECTORY + ")";
      }
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | RuntimeException e) {
      return "(cannot read " + LOG_DIRECTORY + ": " + e + ")";
    }
  }

  private static String server() {
    Path sbin = Path.of("/usr/sbin/rabbitmq-server");
    return Files.isExecutable(sbin) ? sbin.toString() : "rabbitmq-server";
  }

  /** Runs {@code command}; exit code 1 is allowed when {@code noneIsFine} (pkill found none). */
  private static void run(List<String> command, boolean noneIsFine) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT_SECONDS + " s");
      }
      int exit = process.exitValue();
      if (exit != 0 && !(noneIsFine && exit == 1)) {
        throw new AssertionError(
            String.join(" ", command)
                + " exited with "
                + exit
                + ": "
                + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                + " (restarting RabbitMQ needs root; restart it yourself)");
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + String.join(" ", command), e);
    }
  }
}
