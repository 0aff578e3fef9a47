package dev.flows;

/**
 * An invalid flow definition or configuration, thrown when the flow or its options are built, never
 * later at run time. The message names the setting, the value given and how to fix it.
 */
public class FlowDefinitionException extends FlowsException {
  private static final long serialVersionUID = 1L;

  /** A definition error with a message naming the setting, the value and the fix. */
  public FlowDefinitionException(String message) {
    super(message);
  }

  /** Fails with {@code "<setting> <problem>, got <value>: <fix>"}. */
  public static FlowDefinitionException of(
      String setting, Object value, String problem, String fix) {
    return new FlowDefinitionException(
        setting + " " + problem + ", got " + quote(value) + ": " + fix);
  }

  private static String quote(Object value) {
    return value instanceof CharSequence ? "'" + value + "'" : String.valueOf(value);
  }
}
