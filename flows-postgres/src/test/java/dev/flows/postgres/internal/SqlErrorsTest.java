package dev.flows.postgres.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.FlowsException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

class SqlErrorsTest {
  private final SqlErrors errors = SqlErrors.standard();

  @Test
  void shouldCallItARecordErrorWhenTheDatabaseRefusesTheData() {
    List<String> states =
        List.of(
            "21000", "22P02", "22021", "22008", "22003", "22P05", "22001", "23502", "23505",
            "23514", "23503", "54000");

    states.forEach(s -> assertTrue(errors.isRecordError(error(s)), s));
  }

  @Test
  void shouldCallItInfrastructureWhenTheStateIsAnyOtherOrMissing() {
    List<String> states =
        Arrays.asList(
            "08006", "08001", "08003", "40001", "40P01", "57P01", "57014", "53100", "53300",
            "42703", "42P01", "25P02", "XX000", "2200", null);

    states.forEach(s -> assertFalse(errors.isRecordError(error(s)), String.valueOf(s)));
    assertFalse(errors.isRecordError(new SQLTimeoutException("timed out")));
    assertFalse(errors.isRecordError(new IllegalStateException("no SQL at all")));
  }

  @Test
  void shouldFindTheStateWhenTheSqlExceptionIsWrapped() {
    RuntimeException wrapped =
        new RuntimeException("jdbi", new FlowsException("flows", new SQLException("x", "22P02")));

    assertTrue(errors.isRecordError(wrapped));
    assertEquals(Optional.of("22P02"), SqlErrors.sqlState(wrapped));
  }

  @Test
  void shouldLeaveAnExpectedConflictToTheCallerWhenItsStateIsExcepted() {
    SqlErrors protocol = SqlErrors.except("23505");

    assertFalse(protocol.isRecordError(error("23505")));
    assertTrue(protocol.isRecordError(error("23502")));
  }

  @Test
  void shouldGiveTheServersMessageDetailAndStateWhenTheReasonIsAsked() {
    PSQLException server =
        new PSQLException(
            new ServerErrorMessage(
                "SERROR\0C22P02\0Minvalid input syntax for type json\0"
                    + "DToken \"not\" is invalid.\0WJSON data, line 1: not...\0"));

    assertEquals(
        "invalid input syntax for type json: Token \"not\" is invalid. (SQLSTATE 22P02)",
        SqlErrors.reason(new RuntimeException(server)));
    assertEquals(
        "numeric field overflow (SQLSTATE 22003)",
        SqlErrors.reason(new SQLException("numeric field overflow", "22003")));
  }

  private static RuntimeException error(String state) {
    return new RuntimeException("statement failed", new SQLException("refused", state));
  }
}
