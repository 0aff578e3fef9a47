package dev.flows.internal.state;

import java.util.BitSet;

/**
 * Which offsets of one origin partition were applied to one row, exactly, within a window of {@code
 * span} offsets behind the highest applied one. A join's envelopes can reach the stateful step out
 * of their source order (a merge batch re-sent after a partial failure holds 101, 100, 101), so the
 * highest offset alone cannot tell a late record from a duplicate; inside the window this can.
 * Below the window nothing is known: such a record is {@link Verdict#TOO_OLD}. Mutable, owned by
 * one row's processing.
 *
 * <p>In memory a ring of {@code span} bits; stored as the highest offset and the applied offsets
 * below it, as runs or as a bitmap, whichever is smaller.
 */
public final class DedupeWindow {
  /** What an offset is to the window. */
  public enum Verdict {
    /** Not applied yet: apply it. */
    NEW,
    /** Applied already: a duplicate. */
    DUPLICATE,
    /** Older than the window: cannot tell. */
    TOO_OLD
  }

  private static final int RUNS = 0;
  private static final int BITMAP = 1;

  private final int span;
  private final BitSet ring;
  private long highest = -1;

  /** An empty window of {@code span} offsets. */
  public DedupeWindow(int span) {
    if (span < 1) {
      throw new IllegalArgumentException("span must be positive: " + span);
    }
    this.span = span;
    this.ring = new BitSet(span);
  }

  /** A copy to change, sharing nothing with this one. */
  DedupeWindow copy() {
    DedupeWindow copy = new DedupeWindow(span);
    copy.ring.or(ring);
    copy.highest = highest;
    return copy;
  }

  /** The window's size in offsets. */
  public int span() {
    return span;
  }

  /** The highest applied offset, -1 if none. */
  public long highest() {
    return highest;
  }

  /** What {@code offset} is. */
  public Verdict check(long offset) {
    if (offset > highest) {
      return Verdict.NEW;
    }
    if (offset <= highest - span) {
      return Verdict.TOO_OLD;
    }
    return ring.get(slot(offset)) ? Verdict.DUPLICATE : Verdict.NEW;
  }

  /** Records {@code offset} as applied; the window moves up when it is the new highest. */
  public void applied(long offset) {
    if (offset > highest) {
      if (highest < 0 || offset - highest >= span) {
        ring.clear();
      } else {
        for (long o = highest + 1; o < offset; o++) {
          ring.clear(slot(o));
        }
      }
      highest = offset;
    } else if (offset <= highest - span) {
      return;
    }
    ring.set(slot(offset));
  }

  /** Marks every offset of the window applied: how a row of protocol version 1 is read. */
  void appliedUpTo(long offset) {
    applied(offset);
    ring.set(0, span);
  }

  private int slot(long offset) {
    return (int) (offset % span);
  }

  void write(ByteWriter out) {
    out.writeVarLong(highest);
    byte[] runs = runs();
    byte[] bitmap = bitmap();
    boolean useRuns = runs.length <= bitmap.length;
    out.writeByte(useRuns ? RUNS : BITMAP);
    out.writeBytes(useRuns ? runs : bitmap);
  }

  static DedupeWindow read(ByteReader in, int span) {
    DedupeWindow window = new DedupeWindow(span);
    long highest = in.readVarLong();
    int kind = in.readUnsignedByte();
    byte[] body = in.readBytes();
    if (body == null || (kind != RUNS && kind != BITMAP)) {
      throw new IllegalStateException("a dedupe window of unknown kind " + kind);
    }
    window.applied(highest);
    if (kind == RUNS) {
      window.readRuns(new ByteReader(body));
    } else {
      window.readBitmap(body);
    }
    return window;
  }

  /** Applied offsets below the highest, descending, as (gap, length) pairs of runs. */
  private byte[] runs() {
    ByteWriter out = new ByteWriter(16);
    long floor = floor();
    long next = highest - 1;
    for (long start = lastApplied(next, floor); start >= 0; start = lastApplied(next, floor)) {
      long end = lastNotApplied(start, floor) + 1;
      out.writeVarLong(next - start);
      out.writeVarLong(start - end + 1);
      next = end - 1;
    }
    return out.toByteArray();
  }

  /** The lowest offset the window still knows. */
  private long floor() {
    return Math.max(0, highest - span + 1);
  }

  /**
   * The highest applied offset from {@code from} down to {@code floor}, or -1 if none. Searches the
   * ring's set bits, so a sparse window costs its applied offsets, not its span.
   */
  private long lastApplied(long from, long floor) {
    for (long o = from; o >= floor; ) {
      int slot = slot(o);
      int found = ring.previousSetBit(slot);
      if (found >= 0) {
        long applied = o - (slot - found);
        return applied >= floor ? applied : -1;
      }
      o -= slot + 1; // on to the offset of the ring's last slot
    }
    return -1;
  }

  /** The highest offset not applied from {@code from} down to {@code floor}, or floor - 1. */
  private long lastNotApplied(long from, long floor) {
    for (long o = from; o >= floor; ) {
      int slot = slot(o);
      int found = ring.previousClearBit(slot);
      if (found >= 0) {
        return Math.max(o - (slot - found), floor - 1);
      }
      o -= slot + 1;
    }
    return floor - 1;
  }

  private void readRuns(ByteReader in) {
    long next = highest - 1;
    while (in.remaining() > 0) {
      long start = next - in.readVarLong();
      long length = in.readVarLong();
      for (long o = start; o > start - length; o--) {
        applied(o);
      }
      next = start - length;
    }
  }

  /** Bit i set: offset {@code highest - 1 - i} applied. */
  private byte[] bitmap() {
    BitSet bits = new BitSet();
    long floor = floor();
    for (long o = lastApplied(highest - 1, floor); o >= 0; o = lastApplied(o - 1, floor)) {
      bits.set((int) (highest - 1 - o));
    }
    return bits.toByteArray();
  }

  private void readBitmap(byte[] body) {
    BitSet bits = BitSet.valueOf(body);
    for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
      applied(highest - 1 - i);
    }
  }
}
