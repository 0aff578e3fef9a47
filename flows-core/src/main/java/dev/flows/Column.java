package dev.flows;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One column of a {@linkplain TableSpec materialised table}: a validated lower-case SQL identifier
 * and its type. Immutable.
 *
 * @param name 1 to 63 of {@code [a-z0-9_]}, starting with a letter (used quoted, so reserved words
 *     such as {@code order} are fine)
 * @param type the SQL type, which fixes the Java type of its {@link Row} values
 */
public record Column(String name, ColumnType type) {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  /** Validates the name. */
  public Column {
    requireIdentifier("column name", name);
    Objects.requireNonNull(type, "type");
  }

  /** A {@code text} column ({@link String} values). */
  public static Column text(String name) {
    return new Column(name, ColumnType.TEXT);
  }

  /** A {@code bigint} column ({@link Long} values). */
  public static Column bigint(String name) {
    return new Column(name, ColumnType.BIGINT);
  }

  /** An {@code integer} column ({@link Integer} values). */
  public static Column integer(String name) {
    return new Column(name, ColumnType.INTEGER);
  }

  /** A column of any {@link ColumnType}. */
  public static Column of(String name, ColumnType type) {
    return new Column(name, type);
  }

  /** {@code name type}, as plans print it. */
  @Override
  public String toString() {
    return name + " " + type.sql();
  }

  static void requireIdentifier(String setting, String value) {
    if (value == null || !IDENTIFIER.matcher(value).matches()) {
      throw FlowDefinitionException.of(
          setting,
          value,
          "is not a safe SQL identifier",
          "use 1 to 63 of [a-z0-9_], starting with a letter");
    }
  }
}
