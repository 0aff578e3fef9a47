package dev.flows;

/**
 * A materialise flow's table sink refused a record's row for its values (PostgreSQL: invalid JSON,
 * a value out of range of its column, a constraint of an existing table, a key too large to index).
 * The error of a dead letter at stage {@code store}, and the cause of the {@link
 * FlowFailedException} that stops a fail-fast flow. Never thrown to callers by itself.
 */
public class RowRefusedException extends FlowsException {
  private static final long serialVersionUID = 1L;

  /** A refusal with the database's reason as message. */
  public RowRefusedException(String reason) {
    super(reason);
  }
}
