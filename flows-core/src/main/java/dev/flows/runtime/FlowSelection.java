package dev.flows.runtime;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import java.util.List;
import java.util.Optional;

/**
 * Chooses which flows a process runs: the one named by {@code FLOWS_INSTANCE}, or all of them. One
 * container per flow step sets the instance; a developer's laptop runs everything in one process.
 */
public final class FlowSelection {
  private FlowSelection() {}

  /** The flow named {@code instance}, or every flow when it is empty. */
  public static List<Flow> select(List<Flow> flows, Optional<String> instance) {
    if (instance.isEmpty()) {
      return List.copyOf(flows);
    }
    return flows.stream()
        .filter(f -> f.name().equals(instance.get()))
        .findFirst()
        .map(List::of)
        .orElseThrow(
            () ->
                FlowDefinitionException.of(
                    "FLOWS_INSTANCE",
                    instance.get(),
                    "names no flow of this program",
                    "use one of "
                        + flows.stream().map(Flow::name).toList()
                        + " or unset it to run all"));
  }
}
