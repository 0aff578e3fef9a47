package dev.flows;

import java.util.regex.Pattern;

/**
 * Validates flow names. A flow name ({@code app-domain-function}, e.g. {@code shop-orders-count})
 * is the consumer group, the metrics tag, the deployment and the base of SQL identifiers, so it is
 * checked strictly: at least three lower-case segments of letters and digits joined by single
 * hyphens, starting with a letter, at most {@value #MAX_LENGTH} characters.
 */
public final class FlowName {
  /** The longest flow name: {@value}, so derived SQL identifiers stay under PostgreSQL's 63. */
  public static final int MAX_LENGTH = 48;

  private static final Pattern PATTERN = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+){2,}");

  private FlowName() {}

  /** Returns the name if valid, or throws {@link FlowDefinitionException} saying what is wrong. */
  public static String validate(String name) {
    if (name == null || name.isEmpty()) {
      throw FlowDefinitionException.of(
          "flow name", name, "is missing", "name it app-domain-function, e.g. shop-orders-count");
    }
    if (name.length() > MAX_LENGTH) {
      throw FlowDefinitionException.of(
          "flow name", name, "is longer than " + MAX_LENGTH + " characters", "shorten it");
    }
    if (!PATTERN.matcher(name).matches()) {
      throw FlowDefinitionException.of(
          "flow name",
          name,
          "is not app-domain-function",
          "use at least three lower-case segments [a-z0-9] joined by '-', starting with a letter, e.g. shop-orders-count");
    }
    return name;
  }
}
