package dev.flows.internal.state;

import dev.flows.spi.SourcePartition;
import java.util.Set;

/**
 * Which input partitions' stream time passed a window emitting on close, and whether it closed: a
 * window fed by several partitions closes when all of them passed it, or when one passed it by the
 * slow-partition wait (docs/semantics.md, "Event-time windows"). Kept with the window row's stored
 * outputs, so it is written and fenced with the row.
 *
 * @param passed the partitions whose stream time passed the window's end plus grace
 * @param closed whether the window published its final outputs: it takes no record after that
 */
public record WindowPasses(Set<SourcePartition> passed, boolean closed) {
  /** A window no partition passed yet. */
  public static final WindowPasses NONE = new WindowPasses(Set.of(), false);

  /** A copy immutable. */
  public WindowPasses {
    passed = Set.copyOf(passed);
  }
}
