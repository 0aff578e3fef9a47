package dev.flows;

/**
 * A store refused a record's row for its values: a materialise flow's table sink (PostgreSQL:
 * invalid JSON, a value out of range of its column, a constraint of an existing table, a key too
 * large to index), or a stateful flow's state store (a persistence id too long for its index). The
 * error of a dead letter at stage {@code store}, and the cause of the {@link FlowFailedException}
 * that stops a fail-fast flow. Never thrown to callers by itself.
 */
public class RowRefusedException extends FlowsException {
  private static final long serialVersionUID = 1L;

  /** A refusal with the database's reason as message. */
  public RowRefusedException(String reason) {
    super(reason);
  }
}
