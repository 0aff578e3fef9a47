package dev.flows.spi;

import dev.flows.RowChanges;
import java.util.Objects;

/**
 * One record's changes a {@link TableSink} did not write because the database refused the values of
 * one of their rows, and will refuse them on every retry. The runtime dead-letters the record.
 *
 * @param changes the changes, as given to {@link TableSink#write}
 * @param reason why, in the database's words, e.g. {@code invalid input syntax for type json: Token
 *     "not" is invalid. (SQLSTATE 22P02)}
 */
public record RefusedChanges(RowChanges changes, String reason) {

  /** Both are required. */
  public RefusedChanges {
    Objects.requireNonNull(changes, "changes");
    Objects.requireNonNull(reason, "reason");
  }
}
