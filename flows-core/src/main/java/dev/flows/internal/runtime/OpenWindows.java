package dev.flows.internal.runtime;

import dev.flows.FlowsException;
import dev.flows.internal.state.ByteReader;
import dev.flows.internal.state.ByteWriter;
import dev.flows.internal.state.Codecs;
import dev.flows.internal.state.Progress;
import dev.flows.internal.state.RowImage;
import dev.flows.spi.SourcePartition;
import dev.flows.spi.StateRow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import java.util.function.ToIntFunction;

/**
 * The windows one input partition of a flow emitting on close fed, by start (a session-windowed
 * flow's: by closing time, {@link #register}; a flow with timers: the rows' timers, by time, {@link
 * #schedule}), with the persistence ids of their rows: open, or closed by a record (or a {@link
 * Ticks tick}) whose outputs are not known published yet. Kept as a row of the state table ({@link
 * #id}, written with the batch's window rows), so the record that closes a window reaches each of
 * its rows on the first pass and on every replay, whatever instance replays it. Its id has no
 * {@code @}, which every window row's id has.
 *
 * <p>While it holds a window its stored progress claims the partition's last offset, so the state
 * retention never purges it (a silent partition keeps its windows); empty, it may go. Entries of an
 * earlier generation of the topic are dropped when read.
 */
final class OpenWindows {
  private static final int VERSION = 1;

  /** The layout with the last offset a session-windowed flow routed: written only then. */
  private static final int ROUTED_VERSION = 2;

  /** The layout with the last tick of wall-clock timers too ({@link Ticks}): written only then. */
  private static final int TICKED_VERSION = 3;

  private static final long NONE_ROUTED = -1;
  private static final long NONE_TICKED = -1;
  private static final long OPEN = -1;

  private final SourcePartition partition;
  private long version;
  private RowImage image; // the row it was decoded from or last made, null for none
  private final TreeMap<Long, Window> byStart;
  private final TreeMap<Long, Window> open = new TreeMap<>(); // those of byStart still open
  private final Map<Long, List<Long>> closedAt = new HashMap<>(); // closing offset -> their keys
  private Map<String, TreeSet<Long>> openById; // sessions only, made when first needed
  private long routed = NONE_ROUTED;
  private long lastTick = NONE_TICKED;
  private boolean changed;

  /** One window's rows, and the offset of the record that closed it ({@link #OPEN} until then). */
  private static final class Window {
    final Set<String> ids = new LinkedHashSet<>();
    long closedBy = OPEN;
  }

  private OpenWindows(SourcePartition partition, long version, TreeMap<Long, Window> byStart) {
    this.partition = partition;
    this.version = version;
    this.byStart = byStart;
    byStart.forEach(
        (key, window) -> {
          if (window.closedBy == OPEN) {
            open.put(key, window);
          } else {
            closedAt.computeIfAbsent(window.closedBy, o -> new ArrayList<>(1)).add(key);
          }
        });
  }

  /** The persistence id of {@code partition}'s windows. */
  static String id(SourcePartition partition) {
    return "flows.windows/" + partition.topic() + "/" + partition.partition();
  }

  /** {@code partition}'s windows as {@code image} stored them, or none. */
  static OpenWindows of(
      SourcePartition partition, RowImage image, ToIntFunction<String> generation) {
    TreeMap<Long, Window> byStart = new TreeMap<>();
    if (image == null) {
      return new OpenWindows(partition, 0, byStart);
    }
    StateRow row = image.row();
    long routed = NONE_ROUTED;
    long lastTick = NONE_TICKED;
    try {
      ByteReader in = new ByteReader(row.state());
      byte layout = in.readByte();
      if (layout != VERSION && layout != ROUTED_VERSION && layout != TICKED_VERSION) {
        throw new IllegalStateException("unknown layout version " + layout);
      }
      boolean current = in.readVarLong() == generation.applyAsInt(partition.topic());
      if (layout >= ROUTED_VERSION) {
        long stored = in.readLong();
        routed = current ? stored : NONE_ROUTED;
      }
      if (layout == TICKED_VERSION) {
        long stored = in.readLong();
        lastTick = current ? stored : NONE_TICKED;
      }
      int windows = in.readCount();
      for (int w = 0; w < windows; w++) {
        Window window = new Window();
        long start = in.readLong();
        window.closedBy = in.readLong();
        int ids = in.readCount();
        for (int i = 0; i < ids; i++) {
          window.ids.add(in.readUtf());
        }
        byStart.put(start, window);
      }
      if (!current) {
        byStart.clear();
      }
    } catch (RuntimeException e) {
      throw new FlowsException(
          "cannot decode the open windows of " + partition + " (row " + row.id() + "): " + e, e);
    }
    OpenWindows windows = new OpenWindows(partition, row.version(), byStart);
    windows.routed = routed;
    windows.lastTick = lastTick;
    windows.image = image;
    return windows;
  }

  /** Notes that the window starting at {@code start} has a row {@code id}. */
  void add(long start, String id) {
    Window window = byStart.get(start);
    if (window == null) {
      window = new Window();
      byStart.put(start, window);
      open.put(start, window);
    }
    changed |= window.ids.add(id);
  }

  /**
   * Whether the record at {@code offset} was routed before (a replay after a restart or a rewind):
   * what it registered and closed is in this row already, and must not change. Else notes it as
   * routed. Tracked for session-windowed flows, whose registrations depend on what came before.
   */
  boolean routedBefore(long offset) {
    if (offset <= routed) {
      return true;
    }
    routed = offset;
    changed = true;
    return false;
  }

  /**
   * Notes that the row {@code id} of a key's sessions has one that closes at stream time {@code
   * closesAt} (kept by that time, instead of by start), unless it is the session of a later record
   * less than {@code gap} away; drops those of earlier records less than {@code gap} away, whose
   * session this one's close follows. So a key keeps one entry per session, not one per record.
   */
  void register(String id, long closesAt, long gap) {
    TreeSet<Long> mine = openById().computeIfAbsent(id, i -> new TreeSet<>());
    Long later = mine.ceiling(closesAt);
    if (later != null && later < closesAt + gap) {
      return;
    }
    for (Long earlier : List.copyOf(mine.subSet(closesAt - gap, false, closesAt, false))) {
      removeOpen(id, earlier);
      mine.remove(earlier);
    }
    mine.add(closesAt);
    add(closesAt, id);
    changed = true;
  }

  /**
   * Notes that the row {@code id}'s timer fires at stream time {@code at}, {@code null} for none:
   * replaces the row's open entry. A timer at the time of an entry closed already (waiting for its
   * closing record's outputs to be published) is kept a millisecond later, so it is not taken for
   * closed.
   */
  void schedule(String id, Long at) {
    TreeSet<Long> mine = openById().get(id);
    if (mine != null && at != null && mine.size() == 1 && mine.first().equals(at)) {
      return; // most batches leave a row's timer as it was
    }
    if (mine != null) {
      mine.forEach(earlier -> removeOpen(id, earlier));
      openById.remove(id);
      changed = true;
    }
    if (at == null) {
      return;
    }
    long key = firstOpenKey(at);
    openById.computeIfAbsent(id, i -> new TreeSet<>()).add(key);
    add(key, id);
    changed = true;
  }

  /**
   * Notes that the row {@code id} closes once the window starting at {@code start} is closed: under
   * that start, or a millisecond later as for {@link #schedule} when the entry there closed already
   * (in this batch: the row asks after its records were routed).
   */
  void addClosingAfter(long start, String id) {
    add(firstOpenKey(start), id);
  }

  /** {@code key}, or the first key after it without an entry closed already. */
  private long firstOpenKey(long key) {
    while (byStart.containsKey(key) && byStart.get(key).closedBy != OPEN) {
      key++;
    }
    return key;
  }

  /** Takes {@code id} out of the open window at {@code key}; the window goes when it is empty. */
  private void removeOpen(String id, long key) {
    Window window = byStart.get(key);
    window.ids.remove(id);
    if (window.ids.isEmpty()) {
      byStart.remove(key);
      open.remove(key);
    }
  }

  /** Every row id it holds, open or closed: rows the state retention must keep. */
  Set<String> ids() {
    Set<String> ids = new HashSet<>();
    byStart.values().forEach(window -> ids.addAll(window.ids));
    return ids;
  }

  private Map<String, TreeSet<Long>> openById() {
    if (openById == null) {
      openById = new HashMap<>();
      open.forEach(
          (at, window) ->
              window.ids.forEach(id -> openById.computeIfAbsent(id, i -> new TreeSet<>()).add(at)));
    }
    return openById;
  }

  /**
   * The ids of the rows the record at {@code offset} closes, each once: those of windows it closed
   * on an earlier pass, and of open windows {@code closed} says are closed now, which it closes.
   * {@code closed} must hold for every key up to some key and for none after it (a stream time
   * passes windows in their order), so the scan stops at the first open window it keeps open.
   */
  Collection<String> closedBy(long offset, LongPredicate closed) {
    Set<String> ids = Set.of(); // most records close nothing: no set for them
    List<Long> before = closedAt.get(offset);
    if (before != null) {
      ids = new LinkedHashSet<>();
      for (Long key : before) {
        ids.addAll(byStart.get(key).ids);
      }
    }
    for (Iterator<Map.Entry<Long, Window>> i = open.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<Long, Window> entry = i.next();
      if (!closed.test(entry.getKey())) {
        break;
      }
      i.remove();
      Window window = entry.getValue();
      window.closedBy = offset;
      closedAt.computeIfAbsent(offset, o -> new ArrayList<>(1)).add(entry.getKey());
      changed = true;
      if (openById != null) {
        window.ids.forEach(id -> forgetOpen(id, entry.getKey()));
      }
      if (ids.isEmpty()) {
        ids = new LinkedHashSet<>();
      }
      ids.addAll(window.ids);
    }
    return ids;
  }

  private void forgetOpen(String id, long at) {
    TreeSet<Long> mine = openById.get(id);
    if (mine != null && mine.remove(at) && mine.isEmpty()) {
      openById.remove(id);
    }
  }

  /**
   * Forgets the closed windows whose closing record's outputs {@code published} says are out (by
   * the record's offset), or whose closing tick's {@code ticksPublished} says are (by the tick's
   * number).
   */
  void forgetPublished(LongPredicate published, LongPredicate ticksPublished) {
    for (Iterator<Map.Entry<Long, List<Long>>> i = closedAt.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<Long, List<Long>> closing = i.next();
      long key = closing.getKey();
      if (key >= 0 ? published.test(key) : ticksPublished.test(tickOf(key))) {
        closing.getValue().forEach(byStart::remove);
        i.remove();
        changed = true;
      }
    }
  }

  /**
   * The ids of the rows tick {@code number} fires ({@link Ticks}), each once: those it fired on an
   * earlier pass, and those of open timers {@code due} says are due now, which it fires (the same
   * contract as {@link #closedBy}). A tick that fires something is the last tick from then on.
   */
  Collection<String> ticked(long number, LongPredicate due) {
    Collection<String> ids = closedBy(tickKey(number), due);
    if (!ids.isEmpty() && number > lastTick) {
      lastTick = number;
      changed = true;
    }
    return ids;
  }

  /** The number of the last tick that fired something here, -1 if none did. */
  long lastTick() {
    return lastTick;
  }

  /** The numbers of the ticks whose firings are not known published yet, in order. */
  List<Long> unpublishedTicks() {
    return closedAt.keySet().stream()
        .filter(key -> key < 0)
        .map(OpenWindows::tickOf)
        .sorted()
        .toList();
  }

  /** The time of the earliest open window or timer, {@link Long#MAX_VALUE} if none is open. */
  long earliestOpen() {
    return open.isEmpty() ? Long.MAX_VALUE : open.firstKey();
  }

  /** Where tick {@code number} closes what it fires: a key no offset or {@link #OPEN} can be. */
  private static long tickKey(long number) {
    return -2 - number;
  }

  private static long tickOf(long key) {
    return -2 - key;
  }

  /**
   * Whether it is what {@code stored} holds: decoded from it, or the row it made last (written, as
   * the cache holding that very image says), so a batch may go on from it instead of decoding the
   * row again.
   */
  boolean isOf(RowImage stored) {
    return stored != null && stored == image;
  }

  /**
   * The row to write, {@code null} when nothing changed; from then on it is the state of that row,
   * which a later batch reuses only if it was written ({@link #isOf}).
   */
  RowImage changedRow(ToIntFunction<String> generation) {
    if (!changed) {
      return null;
    }
    ByteWriter out = new ByteWriter(64 + 32 * byStart.size());
    int layout =
        lastTick != NONE_TICKED ? TICKED_VERSION : routed == NONE_ROUTED ? VERSION : ROUTED_VERSION;
    out.writeByte(layout);
    out.writeVarLong(generation.applyAsInt(partition.topic()));
    if (layout >= ROUTED_VERSION) {
      out.writeLong(routed);
    }
    if (layout == TICKED_VERSION) {
      out.writeLong(lastTick);
    }
    out.writeVarLong(byStart.size());
    byStart.forEach(
        (start, window) -> {
          out.writeLong(start);
          out.writeLong(window.closedBy);
          out.writeVarLong(window.ids.size());
          window.ids.forEach(out::writeUtf);
        });
    Progress progress = Progress.empty();
    if (!byStart.isEmpty()) {
      progress.advance(partition, Long.MAX_VALUE);
    }
    StateRow row =
        new StateRow(
            id(partition),
            out.toByteArray(),
            VERSION,
            progress.encode(generation),
            Codecs.encodeResults(List.of(), generation),
            version + 1);
    version++;
    changed = false;
    image = new RowImage(row, progress, List.of());
    return image;
  }
}
