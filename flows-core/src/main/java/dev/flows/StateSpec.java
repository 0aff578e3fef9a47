package dev.flows;

import dev.flows.format.Format;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The keyed state of a stateful flow: its name, how it is stored and its value for a new key. The
 * state table is {@code flows_<name>_state} unless {@link #withTable(String)} names another.
 *
 * @param name a lower-case identifier, e.g. {@code count}
 * @param format how the state is encoded in the store
 * @param initial the state of a key seen for the first time
 * @param table the state table name
 * @param <S> the state type
 */
public record StateSpec<S>(
    String name, Format<S> format, Supplier<? extends S> initial, String table) {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,47}");

  /** Validates the name, table and parts. */
  public StateSpec {
    requireIdentifier("state name", name);
    requireIdentifier("state table", table);
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(initial, "initial");
  }

  /** A state named {@code name}, stored in table {@code flows_<name>_state}. */
  public static <S> StateSpec<S> of(String name, Format<S> format, Supplier<? extends S> initial) {
    requireIdentifier("state name", name);
    return new StateSpec<>(name, format, initial, "flows_" + name + "_state");
  }

  /** A copy stored in {@code table} (lower-case letters, digits and underscores). */
  public StateSpec<S> withTable(String tableName) {
    return new StateSpec<>(name, format, initial, tableName);
  }

  private static void requireIdentifier(String setting, String value) {
    if (value == null || !IDENTIFIER.matcher(value).matches()) {
      throw FlowDefinitionException.of(
          setting,
          value,
          "is not a safe SQL identifier",
          "use 1 to 48 of [a-z0-9_], starting with a letter");
    }
  }
}
