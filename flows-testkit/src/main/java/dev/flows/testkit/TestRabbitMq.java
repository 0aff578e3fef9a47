package dev.flows.testkit;

import dev.flows.testkit.internal.LocalRabbitMqNode;
import dev.flows.testkit.internal.Ports;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real RabbitMQ broker (AMQP 0-9-1) for a test. One broker serves the whole test JVM, so tests
 * use queue names of their own.
 */
public final class TestRabbitMq {
  /** The origin of this machine's test broker, the one {@code make services} starts: {@value}. */
  public static final String LOCAL = "local broker on 127.0.0.1:5672";

  private static final Logger LOG = LoggerFactory.getLogger(TestRabbitMq.class);

  /**
   * Where {@link #closeAllConnections()} and {@link #restart} look for rabbitmqctl first, then on
   * the {@code PATH}: {@value}.
   */
  public static final String RABBITMQCTL = "/usr/sbin/rabbitmqctl";

  private static final long RABBITMQCTL_TIMEOUT_SECONDS = 60;

  /** How long {@link #requireAnswering()} waits for the broker's reply to a protocol header. */
  private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

  /** How long {@link #restart} waits for the started broker to accept connections again. */
  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

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
   * Checks that the broker completes an AMQP handshake, as a test is about to use it. This
   * machine's test broker ({@link #LOCAL}) that accepts connections but answers none (a wedged
   * node, which {@code rabbitmqctl} cannot reach either) is killed and started again, its queues
   * kept on disk, and logged; when it still does not answer, or is another broker, throws {@link
   * AssertionError} saying so, with the tail of its log.
   */
  public void requireAnswering() {
    if (answers()) {
      return;
    }
    String broken =
        this + " accepts no AMQP handshake within " + HANDSHAKE_TIMEOUT.toSeconds() + " s";
    if (!LOCAL.equals(origin)) {
      throw new AssertionError(
          broken
              + "; it is not this machine's test broker ("
              + LOCAL
              + "), so it is not restarted");
    }
    LOG.warn(
        "{}; killing and starting it again. The tail of its log:\n{}",
        broken,
        LocalRabbitMqNode.logTail(20));
    if (!LocalRabbitMqNode.restart(STARTUP_TIMEOUT, this::answers)) {
      throw new AssertionError(
          broken
              + ", and none "
              + STARTUP_TIMEOUT.toSeconds()
              + " s after it was killed and started again; the tail of its log:\n"
              + LocalRabbitMqNode.logTail(20));
    }
  }

  private boolean answers() {
    return Ports.handshakes(uri.getHost(), uri.getPort(), HANDSHAKE_TIMEOUT);
  }

  /**
   * Force-closes every client connection of the broker's virtual host, as a network cut would
   * ({@code rabbitmqctl close_all_connections}): clients with automatic recovery reconnect on their
   * own. Needs the broker on this machine and rabbitmqctl ({@value #RABBITMQCTL} or on the {@code
   * PATH}), run with the rights to reach it; throws {@link AssertionError} saying so when it
   * cannot.
   */
  public void closeAllConnections() {
    String needs = needs("closeAllConnections()");
    requireThisMachinesBroker(needs);
    run(needs, "close_all_connections", "--vhost", vhost(), "flows-test");
  }

  /**
   * Restarts the broker around {@code whileStopped}: stops its application ({@code rabbitmqctl
   * stop_app}: every connection is closed and the AMQP port refuses new ones; durable queues and
   * persistent messages stay on disk), runs {@code whileStopped}, then starts it again ({@code
   * rabbitmqctl start_app}, {@code await_startup}) and returns once its AMQP port accepts
   * connections. The broker is started again also when {@code whileStopped} throws, and at the
   * latest when the JVM exits, as other tests share it. Needs what {@link #closeAllConnections()}
   * needs, and throws {@link AssertionError} saying so, without stopping anything, when it cannot.
   */
  public void restart(Runnable whileStopped) {
    String needs = needs("restart()");
    requireThisMachinesBroker(needs);
    run(needs, "stop_app");
    Thread startAtExit = new Thread(() -> start(needs), "flows-testkit-start-rabbitmq");
    Runtime.getRuntime().addShutdownHook(startAtExit);
    try {
      whileStopped.run();
    } finally {
      start(needs); // throws if the broker does not come back: the hook then tries again at exit
      Runtime.getRuntime().removeShutdownHook(startAtExit);
    }
  }

  private void start(String needs) {
    run(needs, "start_app");
    run(needs, "await_startup", "--timeout", Long.toString(STARTUP_TIMEOUT.toSeconds()));
    Awaits.until(
        STARTUP_TIMEOUT,
        "the restarted broker to accept connections on " + uri.getHost() + ":" + uri.getPort(),
        () -> Ports.answers(uri.getHost(), uri.getPort()));
  }

  private static String needs(String what) {
    return what
        + " needs a local RabbitMQ broker and rabbitmqctl ("
        + RABBITMQCTL
        + " or on the PATH)";
  }

  /**
   * Fails unless the broker is on this machine and is the node rabbitmqctl reaches (it listens for
   * AMQP on the URI's port): a broker in a container on localhost is not the one rabbitmqctl
   * controls.
   */
  private void requireThisMachinesBroker(String needs) {
    String broker = "the broker at " + uri.getHost() + ":" + uri.getPort() + " (" + origin + ")";
    if (!isLocal()) {
      throw new AssertionError(needs + ", but " + broker + " is not on this machine");
    }
    String status = run(needs, "-q", "status");
    if (!status.contains("port: " + uri.getPort() + ", protocol: amqp")) {
      throw new AssertionError(
          needs
              + ", but "
              + broker
              + " is not the local node, which does not listen for AMQP on port "
              + uri.getPort()
              + ":\n"
              + status);
    }
  }

  private static String run(String needs, String... args) {
    String command = Files.isExecutable(Path.of(RABBITMQCTL)) ? RABBITMQCTL : "rabbitmqctl";
    List<String> line = new ArrayList<>(List.of(command));
    line.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
      if (!process.waitFor(RABBITMQCTL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(
            needs
                + ": '"
                + String.join(" ", line)
                + "' did not finish within "
                + RABBITMQCTL_TIMEOUT_SECONDS
                + " s");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new AssertionError(
            needs
                + ": '"
                + String.join(" ", line)
                + "' exited with "
                + process.exitValue()
                + ":\n"
                + output);
      }
      return output;
    } catch (IOException e) {
      throw new AssertionError(needs + ": cannot run " + command + " (" + e.getMessage() + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running '" + String.join(" ", line) + "'", e);
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
