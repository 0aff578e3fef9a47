package dev.flows.postgres.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.BrokerRefusedException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Which failures are refusals, by SQLSTATE, and what each message says. The password case is here
 * as logic too, since a server that trusts its logins never refuses a password (PostgresRefusalIT
 * starts one that checks them).
 */
class PostgresFailuresTest {
  private final Target target =
      Target.ofUrl("jdbc:postgresql://db.internal:5433/flows?sslmode=require", "app");

  @Test
  void shouldNameTheUserAndTheFixWhenThePasswordIsRefused() {
    SQLException refused =
        new SQLException("FATAL: password authentication failed for user \"app\"", "28P01");

    assertEquals(
        "PostgreSQL at db.internal:5433 refused the password of user 'app' (FATAL: password"
            + " authentication failed for user \"app\" (SQLSTATE 28P01)): correct the user and"
            + " password (FLOWS_POSTGRES_USER, FLOWS_POSTGRES_PASSWORD), or set the role's"
            + " password: ALTER ROLE app PASSWORD '...'",
        message(refused));
  }

  @Test
  void shouldNameTheRoleAndTheFixWhenTheUserIsNotAdmitted() {
    String message = message(new SQLException("FATAL: role \"app\" does not exist", "28000"));

    assertTrue(message.startsWith("PostgreSQL at db.internal:5433 refused user 'app' ("), message);
    assertTrue(
        message.endsWith("CREATE ROLE app LOGIN PASSWORD '...', and let pg_hba.conf admit it"));
  }

  @Test
  void shouldNameTheDatabaseAndTheFixWhenItDoesNotExist() {
    String message = message(new SQLException("FATAL: database \"flows\" does not exist", "3D000"));

    assertTrue(message.startsWith("PostgreSQL at db.internal:5433 has no database 'flows'"));
    assertTrue(
        message.endsWith(
            "correct the database in the JDBC URL (FLOWS_POSTGRES_URL), or create it: CREATE"
                + " DATABASE flows"),
        message);
  }

  @Test
  void shouldNameTheGrantWhenTheUserMayNotConnect() {
    String message =
        message(new SQLException("FATAL: permission denied for database \"flows\"", "42501"));

    assertTrue(message.endsWith("grant it: GRANT CONNECT ON DATABASE flows TO app"), message);
  }

  @Test
  void shouldNameTheHostWhenItDoesNotResolve() {
    SQLException failed =
        new SQLException(
            "The connection attempt failed.",
            "08001",
            new UnknownHostException("db.internal: Name or service not known"));

    assertEquals(
        "cannot reach PostgreSQL: unknown host 'db.internal' (java.net.UnknownHostException:"
            + " db.internal: Name or service not known): correct the host in the JDBC URL"
            + " (FLOWS_POSTGRES_URL)",
        message(failed));
  }

  @Test
  void shouldFindTheDriversStateWhenAPoolWrapsIt() {
    SQLException driver = new SQLException("FATAL: database \"flows\" does not exist", "3D000");
    SQLTransientConnectionException timeout =
        new SQLTransientConnectionException(
            "flows-state - Connection is not available, request timed out after 5000ms",
            "3D000",
            driver);

    BrokerRefusedException refused = PostgresFailures.refusal(target, timeout).orElseThrow();

    assertTrue(refused.getMessage().contains("(FATAL: database \"flows\" does not exist"));
    assertSame(timeout, refused.getCause());
  }

  @Test
  void shouldRetryWhenTheDatabaseIsDownOrBusy() {
    SQLException down =
        new SQLException(
            "Connection to db.internal:5433 refused.", "08001", new ConnectException("refused"));
    SQLException shuttingDown =
        new SQLException("FATAL: the database system is starting up", "57P03");
    SQLException full = new SQLException("FATAL: sorry, too many clients already", "53300");

    for (SQLException transient_ : new SQLException[] {down, shuttingDown, full}) {
      assertEquals(Optional.empty(), PostgresFailures.refusal(target, transient_));
    }
    assertTrue(PostgresFailures.hint(full).contains("max_connections"));
    assertEquals("", PostgresFailures.hint(down));
  }

  @Test
  void shouldSayWhyThePoolCouldNotConnectWhenItTimesOut() {
    SQLTransientConnectionException timeout =
        new SQLTransientConnectionException(
            "flows-state - Connection is not available, request timed out after 5000ms",
            "08001",
            new SQLException("Connection to db.internal:5433 refused.", "08001"));

    assertEquals(
        " (the pool's last attempt to connect: Connection to db.internal:5433 refused. (SQLSTATE"
            + " 08001))",
        PostgresFailures.hint(timeout));
  }

  @Test
  void shouldPointAtTheSettingWhenAPoolerLostAPreparedStatement() {
    SQLException lost =
        new SQLException("ERROR: prepared statement \"S_1\" already exists", "42P05");

    assertTrue(PostgresFailures.hint(lost).contains("FLOWS_POSTGRES_PGBOUNCER=true"));
  }

  @Test
  void shouldNotShowThePasswordWhenAUrlCarriesIt() {
    Target withPassword =
        Target.ofUrl("jdbc:postgresql://db:5432/flows?user=app&password=url-secret", null);
    String message = message(withPassword, new SQLException("FATAL: no", "28P01"));

    assertFalse(message.contains("url-secret"), message);
    assertTrue(message.contains("user 'app'"), message);
  }

  private String message(SQLException failure) {
    return message(target, failure);
  }

  private static String message(Target target, SQLException failure) {
    return PostgresFailures.refusal(target, failure).orElseThrow().getMessage();
  }
}
