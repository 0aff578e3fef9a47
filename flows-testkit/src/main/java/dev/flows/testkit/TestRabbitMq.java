package dev.flows.testkit;

import java.net.URI;

/**
 * A real RabbitMQ broker (AMQP 0-9-1) for a test. One broker serves the whole test JVM, so tests
 * use queue names of their own.
 */
public final class TestRabbitMq {
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

  @Override
  public String toString() {
    return "RabbitMQ at " + uri.getHost() + ":" + uri.getPort() + " (" + origin + ")";
  }
}
