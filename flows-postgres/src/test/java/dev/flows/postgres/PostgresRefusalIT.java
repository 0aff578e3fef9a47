package dev.flows.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.BrokerRefusedException;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * PostgreSQL's refusals that retrying cannot fix (no such database, a user or password it does not
 * accept, a host name that does not resolve) reach the user as a {@link BrokerRefusedException}
 * naming the cause and the fix, from a store's own pool at creation and from a caller's data source
 * at the first statement.
 */
@FlowsServices
class PostgresRefusalIT {

  @Test
  void shouldNameTheDatabaseAndTheFixWhenItDoesNotExist(TestPostgres postgres) {
    String url = Urls.url(postgres, "no_such_database");

    String message =
        assertThrows(
                BrokerRefusedException.class,
                () -> PostgresStateStore.create(url, Urls.user(postgres), postgres.password()))
            .getMessage();

    assertContains(message, "has no database 'no_such_database'");
    assertContains(message, "3D000");
    assertContains(message, "FLOWS_POSTGRES_URL");
    assertContains(message, "CREATE DATABASE no_such_database");
  }

  @Test
  void shouldNameTheRoleAndTheFixWhenItDoesNotExist(TestPostgres postgres) {
    String url = Urls.url(postgres, Urls.database(postgres));

    String message =
        assertThrows(
                BrokerRefusedException.class,
                () -> PostgresTableSink.create(url, "no_such_role", "secret"))
            .getMessage();

    assertContains(message, "refused user 'no_such_role'");
    assertContains(message, "28000");
    assertContains(message, "FLOWS_POSTGRES_USER");
    assertContains(message, "CREATE ROLE no_such_role LOGIN");
    assertFalse(message.contains("secret"), "the password is not shown: " + message);
  }

  @Test
  void shouldNameTheHostAndTheFixWhenItIsUnknown(TestPostgres postgres) {
    String url = Urls.url(postgres, "no-such-host.invalid", Urls.database(postgres));

    String message =
        assertThrows(
                BrokerRefusedException.class,
                () -> PostgresStateStore.create(url, Urls.user(postgres), postgres.password()))
            .getMessage();

    assertContains(message, "unknown host 'no-such-host.invalid'");
    assertContains(message, "correct the host in the JDBC URL (FLOWS_POSTGRES_URL)");
  }

  @Test
  void shouldRefuseTheFirstStatementWhenACallersDataSourceNamesNoDatabase(TestPostgres postgres) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL(Urls.url(postgres, "no_such_database"));
    dataSource.setUser(Urls.user(postgres));
    dataSource.setPassword(postgres.password());
    try (PostgresStateStore store = PostgresStateStore.create(dataSource)) {

      String message =
          assertThrows(
                  BrokerRefusedException.class,
                  () -> store.table("refused_first").load(List.of("a")))
              .getMessage();

      assertContains(message, "no_such_database");
      assertContains(message, "3D000");
      assertContains(message, "create it: CREATE DATABASE");
    }
  }

  /**
   * The shared test server trusts every login on 127.0.0.1 (any password passes), so a server of
   * this test checks passwords: its superuser is trusted, every other role must give its own.
   */
  @Test
  void shouldNameTheUserAndTheFixWhenThePasswordIsWrong() throws Exception {
    Path data = Files.createTempDirectory("flows-passwords-");
    try (EmbeddedPostgres server =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setDataDirectoryCustomizer(dir -> checkPasswords(dir.toPath()))
            .start()) {
      try (Connection c = server.getPostgresDatabase().getConnection();
          Statement s = c.createStatement()) {
        s.execute("CREATE ROLE flows_checked LOGIN PASSWORD 'right-password'");
      }
      String url = "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres";
      PostgresStateStore.create(url, "flows_checked", "right-password").close(); // accepted

      String message =
          assertThrows(
                  BrokerRefusedException.class,
                  () -> PostgresStateStore.create(url, "flows_checked", "wrong-password"))
              .getMessage();

      assertContains(message, "refused the password of user 'flows_checked'");
      assertContains(message, "28P01");
      assertContains(message, "FLOWS_POSTGRES_PASSWORD");
      assertContains(message, "ALTER ROLE flows_checked PASSWORD");
      assertFalse(message.contains("wrong-password"), "the password is not shown: " + message);
    }
  }

  private static void checkPasswords(Path dataDirectory) {
    try {
      Files.writeString(
          dataDirectory.resolve("pg_hba.conf"),
          String.join(
              "\n",
              "local all all trust",
              "host all postgres 127.0.0.1/32 trust",
              "host all postgres ::1/128 trust",
              "host all all 127.0.0.1/32 scram-sha-256",
              "host all all ::1/128 scram-sha-256",
              ""));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void assertContains(String text, String part) {
    assertTrue(text != null && text.contains(part), "'" + part + "' in: " + text);
  }
}
