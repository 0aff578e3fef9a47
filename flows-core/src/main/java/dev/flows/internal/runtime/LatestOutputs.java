package dev.flows.internal.runtime;

import dev.flows.internal.runtime.RowUpdater.Handled;
import dev.flows.internal.state.StoredOutput;
import dev.flows.spi.OutgoingRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Keeps, of the outputs one row's update made in a batch, only the last per topic and key ({@code
 * emitLatestPerBatch()}): the earlier ones are neither published nor stored, so no replay re-emits
 * them. Outputs re-emitted for replayed records, outputs without a key and outputs to other topics
 * than the flow's (dead letters) are all kept.
 */
final class LatestOutputs {
  private final Set<String> topics;

  /** Keeps the last output per key of each of {@code topics}. */
  LatestOutputs(Set<String> topics) {
    this.topics = Set.copyOf(topics);
  }

  /**
   * Drops the superseded outputs from {@code pending} and {@code handled} (entries replaced in
   * place). The outputs this update made are {@code pending}'s entries from index {@code made} on,
   * in the order they were made (every output made is stored); those before are stored outputs of
   * earlier writes, kept until published.
   */
  void keepLast(List<Handled> handled, List<StoredOutput> pending, int made) {
    List<StoredOutput> mine = pending.subList(made, pending.size());
    Set<OutgoingRecord> dropped = superseded(mine);
    if (dropped.isEmpty()) {
      return;
    }
    mine.removeIf(stored -> dropped.contains(stored.record()));
    for (int i = 0; i < handled.size(); i++) {
      Handled h = handled.get(i);
      if (h.outputs().stream().anyMatch(dropped::contains)) {
        List<OutgoingRecord> kept = new ArrayList<>(h.outputs());
        kept.removeIf(dropped::contains);
        handled.set(i, new Handled(h.input(), h.handling(), kept, h.held()));
      }
    }
  }

  /** The outputs of {@code made} a later one of the same topic and key replaces. */
  private Set<OutgoingRecord> superseded(List<StoredOutput> made) {
    Set<OutgoingRecord> dropped = Set.of();
    Set<OutputKey> later = new HashSet<>();
    for (int i = made.size() - 1; i >= 0; i--) {
      OutgoingRecord output = made.get(i).record();
      if (output.key() != null
          && topics.contains(output.topic())
          && !later.add(new OutputKey(output.topic(), ByteBuffer.wrap(output.key())))) {
        if (dropped.isEmpty()) {
          dropped = Collections.newSetFromMap(new IdentityHashMap<>());
        }
        dropped.add(output);
      }
    }
    return dropped;
  }

  /** A topic and key, compared by content. */
  private record OutputKey(String topic, ByteBuffer key) {}
}
