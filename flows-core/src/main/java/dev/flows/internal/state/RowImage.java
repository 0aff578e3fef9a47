package dev.flows.internal.state;

import dev.flows.spi.StateRow;
import java.util.Collections;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * A stored row with its progress and stored outputs decoded once: what the local cache keeps, so a
 * row this instance wrote or read is not decoded again for every batch. Read-only: callers change a
 * {@link Progress#copy()} of it. The decoding context (topic generations, dedupe span) is fixed for
 * the cache's lifetime, which ends at every assignment change. Used by one thread at a time: the
 * key lane applying its id's records, then the batch thread (the lane's end happens-before).
 */
public final class RowImage {
  private final StateRow row;
  private Progress progress;
  private List<StoredOutput> outputs;
  private KeyTimer timer;
  private boolean timerDecoded;
  private WindowPasses passes;

  /** A row as loaded, decoded when first asked. */
  public RowImage(StateRow row) {
    this.row = row;
  }

  /** A row as written, with what it was encoded from ({@code outputs} is not copied: keep it). */
  public RowImage(StateRow row, Progress progress, List<StoredOutput> outputs) {
    this(row, progress, outputs, null);
  }

  /** A row as written, with what it was encoded from, its timer included. */
  public RowImage(StateRow row, Progress progress, List<StoredOutput> outputs, KeyTimer timer) {
    this(row, progress, outputs, timer, null);
  }

  /** A row as written, with what it was encoded from, its timer and window passes included. */
  public RowImage(
      StateRow row,
      Progress progress,
      List<StoredOutput> outputs,
      KeyTimer timer,
      WindowPasses passes) {
    this.row = row;
    this.progress = progress;
    this.outputs = Collections.unmodifiableList(outputs);
    this.timer = timer;
    this.timerDecoded = true;
    this.passes = passes == null ? WindowPasses.NONE : passes;
  }

  /** The stored row. */
  public StateRow row() {
    return row;
  }

  /** The row's progress (do not change it: copy it). */
  public Progress progress(ToIntFunction<String> generation, int span, boolean legacyOrigins) {
    if (progress == null) {
      progress = Progress.decode(row.progress(), generation, span, legacyOrigins);
    }
    return progress;
  }

  /** The row's stored outputs of the current generations. */
  public List<StoredOutput> outputs(ToIntFunction<String> generation) {
    if (outputs == null) {
      outputs = Codecs.decodeResults(row.results(), generation);
    }
    return outputs;
  }

  /** The row's timer, {@code null} if it has none. */
  public KeyTimer timer() {
    if (!timerDecoded) {
      timer = Codecs.decodeTimer(row.results());
      timerDecoded = true;
    }
    return timer;
  }

  /** Which partitions passed the row's window, and whether it closed. */
  public WindowPasses passes(ToIntFunction<String> generation) {
    if (passes == null) {
      passes = Codecs.decodePasses(row.results(), generation);
    }
    return passes;
  }
}
