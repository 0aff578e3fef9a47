package dev.flows;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which {@link FailureClass} each exception type falls into. A failure is classified by the thrown
 * exception first, then by its causes in turn; for each, its own class and then its superclasses
 * are looked up, and the first mapping found wins, so a mapping of a subclass beats one of its
 * superclass. By default {@link PermanentException}, {@link FormatException} and {@link
 * RowRefusedException} are permanent, {@link TransientException} is transient, and anything else is
 * retryable. Immutable.
 *
 * @param classes the mappings, by exception type
 */
public record FailureClasses(Map<Class<? extends Throwable>, FailureClass> classes) {

  /** Copies the mappings. */
  public FailureClasses {
    classes = Map.copyOf(classes);
  }

  /** The default mappings. */
  public static FailureClasses defaults() {
    Map<Class<? extends Throwable>, FailureClass> classes = new LinkedHashMap<>();
    classes.put(PermanentException.class, FailureClass.PERMANENT);
    classes.put(FormatException.class, FailureClass.PERMANENT);
    classes.put(RowRefusedException.class, FailureClass.PERMANENT);
    classes.put(TransientException.class, FailureClass.TRANSIENT);
    return new FailureClasses(classes);
  }

  /**
   * A copy mapping {@code type} (and its subclasses not mapped themselves) to {@code failureClass}.
   */
  public FailureClasses with(Class<? extends Throwable> type, FailureClass failureClass) {
    Map<Class<? extends Throwable>, FailureClass> more = new LinkedHashMap<>(classes);
    more.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(failureClass, "class"));
    return new FailureClasses(more);
  }

  /** The class of {@code failure}: {@link FailureClass#RETRYABLE} if nothing in it is mapped. */
  public FailureClass classify(Throwable failure) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      for (Class<?> type = t.getClass(); type != null; type = type.getSuperclass()) {
        FailureClass mapped = classes.get(type);
        if (mapped != null) {
          return mapped;
        }
      }
    }
    return FailureClass.RETRYABLE;
  }
}
