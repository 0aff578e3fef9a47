package dev.flows.internal.runtime;

import dev.flows.internal.runtime.RowUpdater.Handled;
import dev.flows.internal.runtime.RowUpdater.Handling;
import dev.flows.internal.state.StoredOutput;
import dev.flows.spi.OutgoingRecord;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps, of the outputs one row's update made in a batch, only the last per topic and key ({@code
 * emitLatestPerBatch()}): the earlier ones are neither published nor stored, so no replay re-emits
 * them. Outputs re-emitted for replayed records, outputs without a key and outputs to other topics
 * than the flow's (dead letters) are all kept. Runs once per written row, so it allocates nothing
 * when nothing is superseded and compares keys one by one while a row has few.
 */
final class LatestOutputs {
  /** How many distinct keys are compared one by one before they are hashed: {@value}. */
  private static final int COMPARED = 8;

  private final Set<String> topics;

  /** Keeps the last output per key of each of {@code topics}. */
  LatestOutputs(Set<String> topics) {
    this.topics = Set.copyOf(topics);
  }

  /**
   * Drops the superseded outputs from {@code pending} and {@code handled} (entries replaced in
   * place). The outputs this update made are {@code pending}'s entries from index {@code made} on:
   * those of every handled record that is not a replay, in order (every output made is stored); the
   * entries before are stored outputs of earlier writes, kept until published.
   */
  void keepLast(List<Handled> handled, List<StoredOutput> pending, int made) {
    List<StoredOutput> mine = pending.subList(made, pending.size());
    boolean[] superseded = superseded(mine);
    if (superseded == null) {
      return;
    }
    int position = 0;
    for (int i = 0; i < handled.size(); i++) {
      Handled h = handled.get(i);
      if (h.handling() == Handling.REPLAY) {
        continue;
      }
      List<OutgoingRecord> kept = null;
      for (int j = 0; j < h.outputs().size(); j++, position++) {
        OutgoingRecord output = h.outputs().get(j);
        if (mine.get(position).record() != output) {
          throw new IllegalStateException("the outputs made and stored differ at " + position);
        }
        if (superseded[position] && kept == null) {
          kept = new ArrayList<>(h.outputs().subList(0, j));
        } else if (!superseded[position] && kept != null) {
          kept.add(output);
        }
      }
      if (kept != null) {
        handled.set(i, new Handled(h.input(), h.handling(), kept, h.held()));
      }
    }
    List<StoredOutput> survivors = new ArrayList<>(mine.size());
    for (int p = 0; p < mine.size(); p++) {
      if (!superseded[p]) {
        survivors.add(mine.get(p));
      }
    }
    mine.clear();
    mine.addAll(survivors);
  }

  /**
   * Which of {@code made} a later one of the same topic and key replaces, by position; {@code null}
   * when none is.
   */
  private boolean[] superseded(List<StoredOutput> made) {
    boolean[] superseded = null;
    List<OutgoingRecord> later = new ArrayList<>(2); // one per key seen, while few
    Set<OutputKey> laterKeys = null; // then hashed
    for (int i = made.size() - 1; i >= 0; i--) {
      OutgoingRecord output = made.get(i).record();
      if (output.key() == null || !topics.contains(output.topic())) {
        continue;
      }
      boolean seen;
      if (laterKeys == null) {
        seen = false;
        for (int k = 0; k < later.size() && !seen; k++) {
          seen = sameKey(later.get(k), output);
        }
        if (!seen && later.size() < COMPARED) {
          later.add(output);
        } else if (!seen) {
          laterKeys = new HashSet<>();
          for (OutgoingRecord o : later) {
            laterKeys.add(OutputKey.of(o));
          }
          laterKeys.add(OutputKey.of(output));
        }
      } else {
        seen = !laterKeys.add(OutputKey.of(output));
      }
      if (seen) {
        if (superseded == null) {
          superseded = new boolean[made.size()];
        }
        superseded[i] = true;
      }
    }
    return superseded;
  }

  private static boolean sameKey(OutgoingRecord a, OutgoingRecord b) {
    return a.topic().equals(b.topic()) && Arrays.equals(a.key(), b.key());
  }

  /** A topic and key, compared by content. */
  private record OutputKey(String topic, ByteBuffer key) {
    static OutputKey of(OutgoingRecord output) {
      return new OutputKey(output.topic(), ByteBuffer.wrap(output.key()));
    }
  }
}
