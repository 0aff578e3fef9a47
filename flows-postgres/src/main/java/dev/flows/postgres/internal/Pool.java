package dev.flows.postgres.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.flows.FlowDefinitionException;
import dev.flows.postgres.PostgresOptions;
import dev.flows.spi.Reservation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The JDBI of a state store or table sink, on the caller's data source or on a connection pool it
 * built and so closes, and the connections its runtimes' flows reserve: what both need, in one
 * place. A pool it builds holds what {@link PostgresOptions#poolSize()} says, or, sized to the
 * flows, one connection per reserved flow (at least one); its connections stay open. Every
 * connection is opened through {@link RefusingConnections}, so a refusal names its cause and fix.
 */
public final class Pool implements AutoCloseable {
  /** How long a statement waits for a connection of a pool the store built: 5 seconds. */
  static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Hikari sizes the queue of connections it is about to open to the pool's maximum when it is
   * built: a pool sized to the flows is built this big, then set to its size, so that growing it
   * opens every new connection at once.
   */
  private static final int ROOM_TO_GROW = 64;

  private final Jdbi jdbi;
  private final HikariDataSource owned;
  private final Limit limit;
  private final List<String> reserved = new ArrayList<>();

  /**
   * What bounds a pool: a size it was given (or the caller's Hikari pool's), or none it knows of.
   *
   * @param size the connections, 0: sized to the reserved flows, -1: unknown (a caller's pool)
   * @param setting the setting that holds it, for the refusal's fix
   */
  private record Limit(int size, String setting) {}

  private Pool(DataSource dataSource, Target target, HikariDataSource owned, Limit limit) {
    this.jdbi = jdbi(new RefusingConnections(dataSource, target));
    this.owned = owned;
    this.limit = limit;
  }

  /**
   * JDBI on the caller's data source, which {@link #close()} leaves open. A Hikari pool's maximum
   * size bounds what flows may reserve.
   *
   * @throws FlowDefinitionException if the PostgreSQL JDBC driver is missing
   */
  public static Pool borrowed(DataSource dataSource) {
    Databases.requireDriver(Pool.class.getClassLoader());
    Objects.requireNonNull(dataSource, "dataSource");
    Limit limit =
        dataSource instanceof HikariDataSource hikari
            ? new Limit(
                hikari.getMaximumPoolSize(),
                "the maximum pool size of the data source given to the store")
            : new Limit(-1, null);
    return new Pool(dataSource, Target.ofDataSource(dataSource), null, limit);
  }

  /**
   * JDBI on a pool named {@code name} built with {@code options}, closed by {@link #close()}.
   * Connects once at once: a refusal retrying cannot fix throws here; a database that does not
   * answer does not (the statements fail, and are retried, until it does).
   *
   * @throws FlowDefinitionException if the driver is missing, the URL is not PostgreSQL's, or it
   *     sets {@code prepareThreshold} with {@link PostgresOptions#pgBouncer()}
   * @throws dev.flows.BrokerRefusedException if PostgreSQL refuses the connection
   */
  public static Pool owned(
      String jdbcUrl,
      String user,
      String password,
      PostgresOptions options,
      String name,
      String purpose) {
    Databases.requireDriver(Pool.class.getClassLoader());
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Target target = Target.ofUrl(jdbcUrl, user);
    Properties driver = driverProperties(jdbcUrl, options, name);
    Probe.connect(jdbcUrl, user, password, driver, target, purpose);
    int size = options.sizedToFlows() ? 1 : options.poolSize();
    HikariDataSource pool = pool(jdbcUrl, user, password, driver, size, name);
    String setting = "the pool size (FLOWS_POSTGRES_POOL_SIZE, PostgresOptions.withPoolSize)";
    return new Pool(pool, target, pool, new Limit(options.poolSize(), setting));
  }

  /** The JDBI to run statements with. */
  public Jdbi jdbi() {
    return jdbi;
  }

  /**
   * Reserves a connection for each of {@code flows} until the reservation is closed: a pool sized
   * to the flows grows to all that is reserved, a pool of a set size refuses more than it holds.
   *
   * @param what the store, for the refusal, e.g. {@code state store}
   * @throws FlowDefinitionException if the pool's set size is below what is reserved
   */
  public synchronized Reservation reserve(List<String> flows, String what) {
    List<String> wanted = new ArrayList<>(reserved);
    wanted.addAll(flows);
    if (limit.size() > 0 && wanted.size() > limit.size()) {
      throw FlowDefinitionException.of(
          limit.setting(),
          limit.size(),
          "is too small for the "
              + what
              + ": flows "
              + wanted
              + " each hold one of its connections at a time (a batch, a cron claim, a topic"
              + " check, a marker or row purge)",
          "set it to at least "
              + wanted.size()
              + " or leave it unset to size the pool to the flows; or run fewer flows per process"
              + " (FLOWS_INSTANCE)");
    }
    reserved.addAll(flows);
    resize();
    List<String> held = List.copyOf(flows);
    return new Reservation() {
      private boolean released;

      @Override
      public void close() {
        synchronized (Pool.this) {
          if (!released) {
            released = true;
            held.forEach(reserved::remove);
            resize();
          }
        }
      }
    };
  }

  /** The connections a pool sized to the flows holds now: one per reserved flow, at least one. */
  synchronized int sizedToFlows() {
    return Math.max(1, reserved.size());
  }

  /** Closes the pool if this built it. */
  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }

  /** Grows or shrinks a pool sized to the flows (a fixed-size pool: minimum idle = maximum). */
  private void resize() {
    if (owned == null || limit.size() != PostgresOptions.SIZED_TO_FLOWS) {
      return;
    }
    int size = sizedToFlows();
    var bean = owned.getHikariConfigMXBean();
    if (size > bean.getMaximumPoolSize()) {
      bean.setMaximumPoolSize(size);
      bean.setMinimumIdle(size);
      // Hikari fills up to the new size on its next housekeeping (30 s): a resume fills at once.
      owned.getHikariPoolMXBean().suspendPool();
      owned.getHikariPoolMXBean().resumePool();
    } else if (size < bean.getMaximumPoolSize()) {
      bean.setMinimumIdle(size);
      bean.setMaximumPoolSize(size);
      // Hikari closes none of the surplus by itself: retire the idle ones now, the rest when they
      // come back; the pool refills to the new size.
      owned.getHikariPoolMXBean().softEvictConnections();
    }
  }

  /**
   * The driver's settings: the connections' {@code application_name} (the pool's name), and with a
   * pooler in transaction mode no server-side prepared statements.
   */
  private static Properties driverProperties(String jdbcUrl, PostgresOptions options, String name) {
    Properties properties = new Properties();
    properties.setProperty("ApplicationName", name);
    if (options.pgBouncer()) {
      String inUrl = Target.parse(jdbcUrl).getProperty("prepareThreshold");
      if (inUrl != null && !inUrl.equals("0")) {
        throw FlowDefinitionException.of(
            "prepareThreshold",
            inUrl,
            "in FLOWS_POSTGRES_URL prepares statements on the server, which a pooler in"
                + " transaction mode (FLOWS_POSTGRES_PGBOUNCER=true) cannot keep",
            "remove it from the URL");
      }
      properties.setProperty("prepareThreshold", "0");
    }
    return properties;
  }

  /**
   * JDBI on {@code connections}, with the array element types the set-based statements bind. Errors
   * name the table and action, not the bound values: a batch holds thousands, and they are user
   * data.
   */
  private static Jdbi jdbi(RefusingConnections connections) {
    Jdbi jdbi =
        Jdbi.create(connections)
            .installPlugin(new PostgresPlugin())
            .registerArrayType(String.class, "text")
            .registerArrayType(Long.class, "int8")
            .registerArrayType(Integer.class, "int4")
            .registerArrayType(Double.class, "float8")
            .registerArrayType(Boolean.class, "bool");
    jdbi.getConfig(StatementExceptions.class)
        .setMessageRendering(StatementExceptions.MessageRendering.NONE);
    return jdbi;
  }

  /**
   * A Hikari pool of {@code size} connections named {@code name}, kept open; it does not connect
   * while it is built (the probe did), so a database that is down does not fail it.
   */
  private static HikariDataSource pool(
      String jdbcUrl, String user, String password, Properties driver, int size, String name) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(Math.max(size, ROOM_TO_GROW));
    config.setMinimumIdle(size);
    config.setPoolName(name);
    config.setDataSourceProperties(driver);
    config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
    config.setInitializationFailTimeout(-1);
    config.setAllowPoolSuspension(true); // only to fill a grown pool at once (see resize)
    HikariDataSource pool = new HikariDataSource(config);
    pool.getHikariConfigMXBean().setMaximumPoolSize(size); // before it opens its first
    return pool;
  }
}
