package dev.flows.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real RabbitMQ broker (AMQP 0-9-1) for a test. One broker serves the whole test JVM, so tests
 * use queue names of their own.
 */
public final class TestRabbitMq {
  /**
   * Where {@link #closeAllConnections()} looks for rabbitmqctl first, then on the {@code PATH}:
   * {@value}.
   */
  public static final String RABBITMQCTL = "/usr/sbin/rabbitmqctl";

  private static final long RABBITMQCTL_TIMEOUT_SECONDS = 60;

  private final URI uri;
  private final String origin;

  /** A test broker at {@code uri} ({@code amqp://user:pass@host:port/vhost}). */
  public TestRabbitMq(URI uri, String origin) {
    this.uri = uri;
    this.origin = origin;
  }

  /** The AMQP URI, credentials included. */
  public URI uri() {
    return uri;
  }

  /** Where the broker came from: an env var, a container or localhost. */
  public String origin() {
    return origin;
  }

  /**
   * Force-closes every client connection of the broker's virtual host, as a broker restart or a
   * network cut would ({@code rabbitmqctl close_all_connections}): clients with automatic recovery
   * reconnect on their own. Needs the broker on this machine and rabbitmqctl ({@value #RABBITMQCTL}
   * or on the {@code PATH}), run with the rights to reach it; throws {@link AssertionError} saying
   * so when it cannot.
   */
  public void closeAllConnections() {
    String needs =
        "closeAllConnections() needs a local RabbitMQ broker and rabbitmqctl ("
            + RABBITMQCTL
            + " or on the PATH)";
    if (!isLocal()) {
      throw new AssertionError(
          needs
              + ", but the broker at "
              + uri.getHost()
              + ":"
              + uri.getPort()
              + " ("
              + origin
              + ") is not on this machine");
    }
    String command = Files.isExecutable(Path.of(RABBITMQCTL)) ? RABBITMQCTL : "rabbitmqctl";
    List<String> args = List.of(command, "close_all_connections", "--vhost", vhost(), "flows-test");
    try {
      Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
      if (!process.waitFor(RABBITMQCTL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            needs
                + ": '"
                + String.join(" ", args)
                + "' did not finish within "
                + RABBITMQCTL_TIMEOUT_SECONDS
                + " s");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new AssertionError(
            needs
                + ": '"
                + String.join(" ", args)
                + "' exited with "
                + process.exitValue()
                + ":\n"
                + output);
      }
    } catch (IOException e) {
      throw new AssertionError(needs + ": cannot run " + command + " (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while closing the broker's connections", e);
    }
  }

  private boolean isLocal() {
    try {
      return InetAddress.getByName(uri.getHost()).isLoopbackAddress();
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * The virtual host of the URI: its path without the leading slash, decoded; {@code /} when empty.
   */
  private String vhost() {
    String path = uri.getRawPath();
    return path == null || path.length() <= 1
        ? "/"
        : URLDecoder.decode(path.substring(1), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "RabbitMQ at " + uri.getHost() + ":" + uri.getPort() + " (" + origin + ")";
  }
}
