package dev.flows.runtime;

import dev.flows.FlowDefinitionException;
import dev.flows.Guarantee;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * Connection settings from the environment. This is the one place Flows reads environment
 * variables:
 *
 * <ul>
 *   <li>{@code FLOWS_KAFKA_BOOTSTRAP_SERVERS}: Kafka brokers, e.g. {@code kafka:9092}
 *   <li>{@code FLOWS_KAFKA_<NAME>}: any other Kafka client property, {@code <NAME>} upper-cased
 *       with dots as underscores, e.g. {@code FLOWS_KAFKA_SECURITY_PROTOCOL=SASL_SSL}, {@code
 *       FLOWS_KAFKA_SASL_JAAS_CONFIG=...} (TLS and SASL pass through this way)
 *   <li>{@code FLOWS_POSTGRES_URL}, {@code FLOWS_POSTGRES_USER}, {@code FLOWS_POSTGRES_PASSWORD}:
 *       the state database (JDBC URL)
 *   <li>{@code FLOWS_POSTGRES_POOL_SIZE}: the connections of each pool the state store and the
 *       table sink open, at least 1; unset: as many as the runtime's flows use at once
 *   <li>{@code FLOWS_POSTGRES_PGBOUNCER}: {@code true} when the database is reached through a
 *       pooler in transaction mode (PgBouncer): no server-side prepared statements; default {@code
 *       false}
 *   <li>{@code FLOWS_RABBITMQ_URI}: the task broker, e.g. {@code amqps://user:pass@host/vhost}
 *   <li>{@code FLOWS_HTTP_PORT}: the admin HTTP port (health, metrics), default {@value
 *       #DEFAULT_HTTP_PORT}; 0 picks a free port
 *   <li>{@code FLOWS_INSTANCE}: the one flow this process runs; all flows when unset
 *   <li>{@code FLOWS_INSTANCE_ID}: this process's stable identity in its consumer groups (static
 *       membership, KIP-345), e.g. the pod name; unset: dynamic membership. Each flow's consumer
 *       joins as {@code group.instance.id = <flow name>-<FLOWS_INSTANCE_ID>}, so a restarted
 *       process takes its partitions back at once instead of waiting for its old session to time
 *       out. It must differ between processes running the same flow.
 *   <li>{@code FLOWS_LEAVE_GROUP_ON_STOP}: {@code true} if a stop (SIGTERM) means this process is
 *       not coming back (a scale-down, or a pod name never reused), so a static member leaves its
 *       groups at once; default {@code false}: a static member keeps its partitions through a stop
 *       until its session times out. Dynamic members always leave on a stop.
 *   <li>{@code FLOWS_PROCESSING_GUARANTEE}: {@code at_least_once} (default) or {@code
 *       exactly_once}: the guarantee of every flow that leaves it to the runtime (see {@link
 *       Guarantee})
 *   <li>{@code FLOWS_TRACING_RECORD_SPANS}: {@code true} to trace each record of stateless and
 *       stateful flows besides each batch (it costs throughput; needs the OpenTelemetry API);
 *       default {@code false}
 * </ul>
 *
 * {@link #toString()} masks every value that may be a secret.
 *
 * @param kafkaBootstrapServers the Kafka brokers, if configured
 * @param kafkaProperties further Kafka client properties
 * @param postgresUrl the JDBC URL, if configured
 * @param postgresUser the database user, if configured
 * @param postgresPassword the database password, if configured
 * @param postgresPoolSize the connections of each database pool, if set
 * @param postgresPgBouncer whether the database is reached through a transaction-mode pooler
 * @param rabbitmqUri the AMQP URI, if configured
 * @param httpPort the admin HTTP port
 * @param instance the flow to run, if only one
 * @param instanceId this process's stable identity in its consumer groups, if static
 * @param leaveGroupOnStop whether a stop makes a static member leave its groups
 * @param guarantee the guarantee of flows that leave it to the runtime
 * @param recordSpans whether stateless and stateful flows trace each record, besides each batch
 */
public record FlowsConfig(
    Optional<String> kafkaBootstrapServers,
    Map<String, String> kafkaProperties,
    Optional<String> postgresUrl,
    Optional<String> postgresUser,
    Optional<String> postgresPassword,
    OptionalInt postgresPoolSize,
    boolean postgresPgBouncer,
    Optional<String> rabbitmqUri,
    int httpPort,
    Optional<String> instance,
    Optional<String> instanceId,
    boolean leaveGroupOnStop,
    Guarantee guarantee,
    boolean recordSpans) {

  /** The admin HTTP port when {@code FLOWS_HTTP_PORT} is unset: {@value}. */
  public static final int DEFAULT_HTTP_PORT = 8080;

  private static final String KAFKA_PREFIX = "FLOWS_KAFKA_";

  /** Copies the property map. */
  public FlowsConfig {
    kafkaProperties = Map.copyOf(kafkaProperties);
  }

  /** Reads the process environment. */
  public static FlowsConfig fromEnv() {
    return from(System.getenv());
  }

  /** Reads the given variables, as if they were the environment. */
  public static FlowsConfig from(Map<String, String> env) {
    Map<String, String> kafka = new TreeMap<>();
    env.forEach(
        (name, value) -> {
          if (name.startsWith(KAFKA_PREFIX) && !name.equals("FLOWS_KAFKA_BOOTSTRAP_SERVERS")) {
            kafka.put(
                name.substring(KAFKA_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.'),
                value);
          }
        });
    return new FlowsConfig(
        nonBlank(env, "FLOWS_KAFKA_BOOTSTRAP_SERVERS"),
        kafka,
        nonBlank(env, "FLOWS_POSTGRES_URL"),
        nonBlank(env, "FLOWS_POSTGRES_USER"),
        nonBlank(env, "FLOWS_POSTGRES_PASSWORD"),
        poolSize(nonBlank(env, "FLOWS_POSTGRES_POOL_SIZE")),
        flag(env, "FLOWS_POSTGRES_PGBOUNCER"),
        nonBlank(env, "FLOWS_RABBITMQ_URI"),
        port(nonBlank(env, "FLOWS_HTTP_PORT")),
        nonBlank(env, "FLOWS_INSTANCE"),
        nonBlank(env, "FLOWS_INSTANCE_ID"),
        flag(env, "FLOWS_LEAVE_GROUP_ON_STOP"),
        guarantee(nonBlank(env, "FLOWS_PROCESSING_GUARANTEE")),
        flag(env, "FLOWS_TRACING_RECORD_SPANS"));
  }

  /** A copy with the Kafka brokers set (used by launchers that start an embedded broker). */
  public FlowsConfig withKafkaBootstrapServers(String servers) {
    return new FlowsConfig(
        Optional.of(servers),
        kafkaProperties,
        postgresUrl,
        postgresUser,
        postgresPassword,
        postgresPoolSize,
        postgresPgBouncer,
        rabbitmqUri,
        httpPort,
        instance,
        instanceId,
        leaveGroupOnStop,
        guarantee,
        recordSpans);
  }

  /** A copy with the database set. */
  public FlowsConfig withPostgres(String url, String user, String password) {
    return new FlowsConfig(
        kafkaBootstrapServers,
        kafkaProperties,
        Optional.of(url),
        Optional.ofNullable(user),
        Optional.ofNullable(password),
        postgresPoolSize,
        postgresPgBouncer,
        rabbitmqUri,
        httpPort,
        instance,
        instanceId,
        leaveGroupOnStop,
        guarantee,
        recordSpans);
  }

  private static Optional<String> nonBlank(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
  }

  private static boolean flag(Map<String, String> env, String name) {
    Optional<String> value = nonBlank(env, name);
    if (value.isEmpty() || value.get().equalsIgnoreCase("false")) {
      return false;
    }
    if (value.get().equalsIgnoreCase("true")) {
      return true;
    }
    throw FlowDefinitionException.of(name, value.get(), "is not a boolean", "use true or false");
  }

  private static Guarantee guarantee(Optional<String> value) {
    if (value.isEmpty()) {
      return Guarantee.AT_LEAST_ONCE;
    }
    String name = value.get().toUpperCase(Locale.ROOT).replace('-', '_');
    if (name.equals("AT_LEAST_ONCE") || name.equals("EXACTLY_ONCE")) {
      return Guarantee.valueOf(name);
    }
    throw FlowDefinitionException.of(
        "FLOWS_PROCESSING_GUARANTEE",
        value.get(),
        "is not a processing guarantee",
        "use at_least_once or exactly_once");
  }

  private static OptionalInt poolSize(Optional<String> value) {
    if (value.isEmpty()) {
      return OptionalInt.empty();
    }
    try {
      int size = Integer.parseInt(value.get());
      if (size >= 1) {
        return OptionalInt.of(size);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw FlowDefinitionException.of(
        "FLOWS_POSTGRES_POOL_SIZE",
        value.get(),
        "is not a pool size",
        "use a whole number from 1, or leave it unset to size each pool to the flows using it");
  }

  private static int port(Optional<String> value) {
    if (value.isEmpty()) {
      return DEFAULT_HTTP_PORT;
    }
    try {
      int port = Integer.parseInt(value.get());
      if (port >= 0 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw FlowDefinitionException.of(
        "FLOWS_HTTP_PORT", value.get(), "is not a port number", "use 0 to 65535");
  }

  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    kafkaProperties.forEach((k, v) -> shown.put(k, isSecret(k) ? "****" : v));
    return "FlowsConfig[kafkaBootstrapServers="
        + kafkaBootstrapServers.orElse("-")
        + ", kafkaProperties="
        + shown
        + ", postgresUrl="
        + postgresUrl.map(FlowsConfig::maskUrl).orElse("-")
        + ", postgresUser="
        + postgresUser.orElse("-")
        + ", postgresPassword="
        + postgresPassword.map(p -> "****").orElse("-")
        + ", postgresPoolSize="
        + (postgresPoolSize.isPresent() ? postgresPoolSize.getAsInt() : "auto")
        + ", postgresPgBouncer="
        + postgresPgBouncer
        + ", rabbitmqUri="
        + rabbitmqUri.map(FlowsConfig::maskUrl).orElse("-")
        + ", httpPort="
        + httpPort
        + ", instance="
        + instance.orElse("all")
        + ", instanceId="
        + instanceId.orElse("-")
        + ", leaveGroupOnStop="
        + leaveGroupOnStop
        + ", guarantee="
        + guarantee.label()
        + ", recordSpans="
        + recordSpans
        + "]";
  }

  private static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password")
        || k.contains("jaas")
        || k.contains("secret")
        || k.contains("key")
        || k.contains("token");
  }

  /** Hides user info and password query parameters of a URL. */
  static String maskUrl(String url) {
    return url.replaceAll("//[^/@]+@", "//****@").replaceAll("(?i)(password=)[^&]*", "$1****");
  }
}
