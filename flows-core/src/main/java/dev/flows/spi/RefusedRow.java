package dev.flows.spi;

import dev.flows.Row;
import java.util.Objects;

/**
 * A row a {@link TableSink} did not write because the database refused its values, and will refuse
 * them on every retry. The runtime dead-letters the record the row came from.
 *
 * @param row the row (an upsert or a delete) as it was given to {@link TableSink#write}
 * @param reason why, in the database's words, e.g. {@code invalid input syntax for type json: Token
 *     "not" is invalid. (SQLSTATE 22P02)}
 */
public record RefusedRow(Row row, String reason) {

  /** Both are required. */
  public RefusedRow {
    Objects.requireNonNull(row, "row");
    Objects.requireNonNull(reason, "reason");
  }
}
