package dev.flows.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.impl.recovery.RecordedQueue;
import com.rabbitmq.client.impl.recovery.TopologyRecoveryFilter;
import dev.flows.BrokerRefusedException;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowsException;
import dev.flows.TaskOptions;
import dev.flows.rabbitmq.internal.AmqpHeaders;
import dev.flows.rabbitmq.internal.ConfirmingPublisher;
import dev.flows.rabbitmq.internal.ConnectFailures;
import dev.flows.rabbitmq.internal.RecoveryLog;
import dev.flows.rabbitmq.internal.TaskWorker;
import dev.flows.rabbitmq.internal.Topology;
import dev.flows.runtime.FlowsConfig;
import dev.flows.spi.OutgoingTask;
import dev.flows.spi.Sink;
import dev.flows.spi.TaskHandler;
import dev.flows.spi.TaskQueue;
import dev.flows.spi.TaskSubscription;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;

/**
 * Task queues on RabbitMQ (AMQP 0-9-1), for {@code FlowRuntime.builder(...).taskQueue(...)}.
 *
 * <p><b>Publishing</b> (flows ending in {@code toQueue}, cron flows): persistent messages on a
 * channel in publisher-confirm mode; a send is acknowledged when the broker confirmed it, so a
 * batch's Kafka offsets are committed only after every task of it is stored. Unroutable tasks fail.
 *
 * <p><b>Consuming</b> (task flows): manual acknowledgement with prefetch {@code concurrency *
 * prefetchMultiplier} (1 by default, {@link dev.flows.TaskOptions#prefetch()}); a task is acked
 * only after its handler returned. A failed attempt is published to a delay queue whose message TTL
 * dead-letters it back to the work queue after the backoff, then acked; after the last attempt it
 * goes to {@code <queue>.dlq} with the reason in headers (see {@code dev.flows.DeadLetterHeaders}).
 * Every queue is a durable quorum queue, declared by the library (idempotently: same name, same
 * arguments). A task whose worker keeps crashing is dead-lettered by the broker after {@value
 * Topology#DELIVERY_LIMIT} deliveries.
 *
 * <p><b>Connections</b>: one for publishing, one for consuming (so publisher flow control never
 * stalls acks), both with amqp-client's automatic recovery (connection, channels, consumers; the
 * durable queues outlive the loss). Tasks unacknowledged when a connection drops are delivered
 * again; while a connection is lost, {@link #isConnected()} is {@code false}. At-least-once
 * throughout.
 */
public final class RabbitTaskQueue implements TaskQueue {
  /** Milliseconds between reconnection attempts: {@value}. */
  public static final int RECOVERY_INTERVAL_MS = 1_000;

  private final ConnectionFactory factory;
  private final Set<String> declared = ConcurrentHashMap.newKeySet();
  private final List<TaskSubscription> subscriptions = new CopyOnWriteArrayList<>();
  private volatile Connection publishing;
  private volatile Connection consuming;
  private ConfirmingPublisher publisher;

  private RabbitTaskQueue(ConnectionFactory factory) {
    this.factory = factory;
  }

  /**
   * Task queues on the broker at {@code uri}, e.g. {@code amqp://guest:guest@localhost:5672/%2F}:
   * the path is the virtual host ({@code %2F} or no path: the default {@code /}; a trailing slash
   * alone: the empty name). With {@code amqps://}, TLS verifies the broker's certificate and host
   * name against the JVM's trust store ({@code javax.net.ssl.trustStore}). Connects on first use; a
   * refusal that retrying cannot fix (unknown host or virtual host, bad credentials) throws a
   * {@link BrokerRefusedException} naming the cause and the fix.
   */
  public static RabbitTaskQueue create(URI uri) {
    return create(uri, null);
  }

  /**
   * Task queues on the broker at {@code uri}; with {@code amqps://}, TLS uses {@code tls}: its
   * trust material verifies the broker's certificate (the host name is verified too), its keys, if
   * any, authenticate this client (mutual TLS). A {@code null} context means the JVM's default.
   */
  public static RabbitTaskQueue create(URI uri, SSLContext tls) {
    ConnectionFactory factory = new ConnectionFactory();
    try {
      factory.setUri(uri);
      if (factory.isSSL()) {
        factory.useSslProtocol(tls != null ? tls : SSLContext.getDefault());
        factory.enableHostnameVerification();
      }
    } catch (Exception e) {
      throw FlowDefinitionException.of(
          "rabbitmq uri",
          redact(uri),
          "is not an AMQP URI (" + e.getMessage() + ")",
          "use amqp://user:password@host:5672/vhost");
    }
    factory.setAutomaticRecoveryEnabled(true);
    factory.setTopologyRecoveryEnabled(true);
    // Consumers (and QoS) are recovered; queues are not redeclared: they are durable, so they
    // outlive a lost connection, and the short-lived channels that declared them are closed
    // (redeclaring on them fails).
    factory.setTopologyRecoveryFilter(
        new TopologyRecoveryFilter() {
          @Override
          public boolean filterQueue(RecordedQueue queue) {
            return false;
          }
        });
    factory.setNetworkRecoveryInterval(RECOVERY_INTERVAL_MS);
    factory.setExceptionHandler(new RecoveryLog(factory));
    factory.setRequestedHeartbeat(15);
    return new RabbitTaskQueue(factory);
  }

  /** Task queues on the broker of {@code FLOWS_RABBITMQ_URI} (see {@link FlowsConfig}). */
  public static RabbitTaskQueue create(FlowsConfig config) {
    String uri =
        config
            .rabbitmqUri()
            .orElseThrow(
                () ->
                    FlowDefinitionException.of(
                        "FLOWS_RABBITMQ_URI",
                        null,
                        "is missing",
                        "set it, e.g. amqp://guest:guest@localhost:5672/%2F"));
    return create(URI.create(uri));
  }

  private static String redact(URI uri) {
    return uri == null ? null : uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort();
  }

  @Override
  public void send(OutgoingTask task, Sink.Ack ack) {
    try {
      ConfirmingPublisher p = publisher();
      declare(task.queue());
      AMQP.BasicProperties properties =
          MessageProperties.PERSISTENT_BASIC
              .builder()
              .headers(AmqpHeaders.toAmqp(task.headers()))
              .build();
      p.publish(task.queue(), properties, task.body() == null ? new byte[0] : task.body(), ack);
    } catch (IOException | RuntimeException e) {
      ack.completed(e);
    }
  }

  private void declare(String queue) throws IOException {
    if (declared.contains(queue)) {
      return;
    }
    try (Channel channel = publishing.createChannel()) {
      Topology.declareWorkQueue(channel, queue);
    } catch (TimeoutException e) {
      throw new IOException("timed out declaring queue " + queue, e);
    }
    declared.add(queue);
  }

  @Override
  public void flush(Duration timeout) {
    ConfirmingPublisher p;
    synchronized (this) {
      p = publisher;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (p != null && p.pendingCount() > 0 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(1).toNanos());
    }
  }

  @Override
  public TaskSubscription consume(
      String flow, String queue, TaskOptions options, Duration drainTimeout, TaskHandler handler) {
    try {
      TaskWorker worker =
          TaskWorker.start(
              consuming(flow),
              publisher(),
              new TaskWorker.Settings(flow, queue, options, drainTimeout),
              handler);
      subscriptions.add(worker);
      return () -> {
        subscriptions.remove(worker);
        worker.close();
      };
    } catch (IOException e) {
      throw new FlowsException(
          "cannot consume queue " + queue + ": " + ConnectFailures.describe(e), e);
    }
  }

  private synchronized ConfirmingPublisher publisher() throws IOException {
    if (publisher == null) {
      publishing = connect("flows-publisher");
      publisher = new ConfirmingPublisher(publishing);
    }
    return publisher;
  }

  private synchronized Connection consuming(String flow) throws IOException {
    if (consuming == null) {
      consuming = connect("flows-consumer-" + flow);
    }
    return consuming;
  }

  /**
   * Opens a connection; a refusal that retrying cannot fix (unknown host or virtual host, bad
   * credentials) throws a {@link BrokerRefusedException} naming the cause and the fix.
   */
  private Connection connect(String name) throws IOException {
    try {
      return factory.newConnection(name);
    } catch (TimeoutException e) {
      throw new IOException(
          "timed out connecting to " + factory.getHost() + ":" + factory.getPort(), e);
    } catch (IOException e) {
      Optional<BrokerRefusedException> refused = ConnectFailures.refusal(factory, e);
      if (refused.isPresent()) {
        throw refused.get();
      }
      throw e;
    }
  }

  /**
   * Whether every connection opened so far is open: {@code false} from a connection's loss until
   * automatic recovery reopened it, so task flows report not ready meanwhile.
   */
  @Override
  public boolean isConnected() {
    Connection p = publishing;
    Connection c = consuming;
    return (p == null || p.isOpen()) && (c == null || c.isOpen());
  }

  /** Drains every consumer still open, then closes the connections. */
  @Override
  public synchronized void close() {
    subscriptions.forEach(TaskSubscription::close);
    subscriptions.clear();
    if (publisher != null) {
      publisher.close();
    }
    for (Connection c : new Connection[] {consuming, publishing}) {
      if (c != null && c.isOpen()) {
        try {
          c.close();
        } catch (IOException | RuntimeException e) {
          // closing anyway
        }
      }
    }
  }
}
