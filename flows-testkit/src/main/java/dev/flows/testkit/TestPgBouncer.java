package dev.flows.testkit;

import dev.flows.testkit.internal.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.utils.Utils;
import org.postgresql.Driver;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PgBouncer in transaction mode in front of a test database: a child process of this JVM started
 * from the {@code pgbouncer} binary of the machine (Debian's package, which {@code make services}
 * installs), listening on a free port of 127.0.0.1, with its configuration in a temporary
 * directory. Each transaction of a client runs on whichever of the pooler's server connections is
 * free, as in production behind PgBouncer; {@link #close()} stops it and deletes its files.
 *
 * <p>It logs every client into the database as the database's own user ({@code auth_type = any}),
 * so it works in front of a database that trusts its clients or one that wants a password. Run as
 * root (PgBouncer refuses to), it switches to the user {@value #UNPRIVILEGED_USER}. Without the
 * binary, {@link #start} fails, saying how to install it.
 */
public final class TestPgBouncer implements AutoCloseable {
  /** Where the binary is looked for, after the {@code PATH}. */
  private static final List<String> SBIN = List.of("/usr/sbin", "/usr/local/sbin", "/sbin");

  /** The user PgBouncer switches to when started by root: {@value}. */
  public static final String UNPRIVILEGED_USER = "nobody";

  private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);

  private final Process process;
  private final Path directory;
  private final String jdbcUrl;
  private final TestPostgres database;
  private final Thread stopAtExit;

  private TestPgBouncer(Process process, Path directory, String jdbcUrl, TestPostgres database) {
    this.process = process;
    this.directory = directory;
    this.jdbcUrl = jdbcUrl;
    this.database = database;
    this.stopAtExit = new Thread(this::stop, "flows-pgbouncer-stop");
    Runtime.getRuntime().addShutdownHook(stopAtExit);
  }

  /**
   * Starts PgBouncer in front of {@code database} with {@code serverConnections} connections to it
   * ({@code default_pool_size}), however many clients connect; returns once a query through it
   * succeeds.
   *
   * @throws IllegalStateException if {@code pgbouncer} is not installed, or does not start (with
   *     its log)
   */
  public static TestPgBouncer start(TestPostgres database, int serverConnections) {
    String binary = binary();
    Properties target = Driver.parseURL(database.jdbcUrl(), null);
    if (target == null) {
      throw new IllegalStateException("not a PostgreSQL JDBC URL: " + database.jdbcUrl());
    }
    String name = target.getProperty("PGDBNAME");
    int port = Ports.free();
    Path directory = directory(ini(database, target, port, serverConnections));
    Process process;
    try {
      process =
          new ProcessBuilder(binary, directory.resolve("pgbouncer.ini").toString())
              .redirectErrorStream(true)
              .redirectOutput(directory.resolve("pgbouncer.log").toFile())
              .start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + binary + ": " + e.getMessage(), e);
    }
    TestPgBouncer bouncer =
        new TestPgBouncer(
            process, directory, "jdbc:postgresql://127.0.0.1:" + port + "/" + name, database);
    bouncer.awaitQueries();
    return bouncer;
  }

  /** The JDBC URL of the database through PgBouncer (no parameters). */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The database behind it, reached directly. */
  public TestPostgres database() {
    return database;
  }

  /** The user to connect as (PgBouncer logs in as the database's own user whatever it is). */
  public String user() {
    return database.user() != null
        ? database.user()
        : Driver.parseURL(database.jdbcUrl(), null).getProperty("user");
  }

  /** What PgBouncer logged so far. */
  public String log() {
    try {
      return Files.readString(directory.resolve("pgbouncer.log"), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Stops PgBouncer and deletes its files. */
  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(stopAtExit);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook stops it
    }
  }

  @Override
  public String toString() {
    return "PgBouncer at " + jdbcUrl + " in front of " + database;
  }

  private void stop() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Utils.delete(directory.toFile());
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }

  /** Waits until {@code SELECT 1} through PgBouncer succeeds; fails with its log if it exits. */
  private void awaitQueries() {
    PGSimpleDataSource client = new PGSimpleDataSource();
    client.setURL(jdbcUrl);
    client.setUser(user());
    client.setPassword(database.password());
    long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
    SQLException last = null;
    while (System.nanoTime() < deadline && process.isAlive()) {
      try (Connection c = client.getConnection();
          Statement s = c.createStatement()) {
        s.execute("SELECT 1");
        return;
      } catch (SQLException e) {
        last = e;
        LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      }
    }
    String log = log();
    close();
    throw new IllegalStateException(
        "PgBouncer did not answer within "
            + STARTUP_TIMEOUT.toSeconds()
            + " s"
            + (process.isAlive() ? "" : " (it exited with " + process.exitValue() + ")")
            + (last == null ? "" : ", last error: " + last.getMessage())
            + "; its log:\n"
            + log);
  }

  private static String ini(
      TestPostgres database, Properties target, int port, int serverConnections) {
    String user =
        database.user() != null ? database.user() : target.getProperty("user", "postgres");
    String password =
        database.password() != null ? database.password() : target.getProperty("password");
    String name = target.getProperty("PGDBNAME");
    List<String> lines = new ArrayList<>();
    lines.add("[databases]");
    lines.add(
        name
            + " = host="
            + target.getProperty("PGHOST")
            + " port="
            + target.getProperty("PGPORT")
            + " dbname="
            + name
            + " user="
            + user
            + (password == null ? "" : " password=" + password));
    lines.add("[pgbouncer]");
    lines.add("listen_addr = 127.0.0.1");
    lines.add("listen_port = " + port);
    lines.add("unix_socket_dir =");
    lines.add("auth_type = any");
    lines.add("pool_mode = transaction");
    lines.add("default_pool_size = " + serverConnections);
    lines.add("max_client_conn = 200");
    lines.add("ignore_startup_parameters = extra_float_digits");
    lines.add("logfile =");
    lines.add("pidfile =");
    if ("root".equals(System.getProperty("user.name"))) {
      lines.add("user = " + UNPRIVILEGED_USER);
    }
    return String.join("\n", lines) + "\n";
  }

  /** A directory only this process writes, which the unprivileged user can read. */
  private static Path directory(String ini) {
    try {
      Path directory = Files.createTempDirectory("flows-pgbouncer-");
      Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
      Path file = directory.resolve("pgbouncer.ini");
      Files.writeString(file, ini, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
      return directory;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write PgBouncer's configuration", e);
    }
  }

  /** The {@code pgbouncer} binary on the {@code PATH} or in an sbin directory. */
  private static String binary() {
    List<String> directories = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      directories.addAll(List.of(path.split(java.io.File.pathSeparator)));
    }
    directories.addAll(SBIN);
    return binary(directories);
  }

  /** The {@code pgbouncer} binary in the first of {@code directories} that has one. */
  static String binary(List<String> directories) {
    for (String directory : directories) {
      Path candidate = Path.of(directory, "pgbouncer");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    throw new IllegalStateException(
        "pgbouncer is not installed (looked in "
            + String.join(", ", directories)
            + "): run 'make services', which installs Debian's pgbouncer, or 'sudo apt-get install"
            + " pgbouncer'");
  }
}
