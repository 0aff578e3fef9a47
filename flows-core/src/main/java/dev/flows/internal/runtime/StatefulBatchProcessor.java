package dev.flows.internal.runtime;

import dev.flows.FlowsException;
import dev.flows.FormatException;
import dev.flows.Message;
import dev.flows.internal.plan.StatefulPlan;
import dev.flows.internal.runtime.DeadLetters.Stage;
import dev.flows.internal.runtime.RowUpdater.Handled;
import dev.flows.internal.runtime.RowUpdater.Input;
import dev.flows.internal.runtime.RowUpdater.Known;
import dev.flows.internal.runtime.RowUpdater.Result;
import dev.flows.internal.state.RowImage;
import dev.flows.internal.state.StateCache;
import dev.flows.internal.trace.BatchTrace;
import dev.flows.internal.trace.FlowTracer;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.SourcePartition;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateTable;
import dev.flows.spi.WriteResult;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes one batch of a stateful flow (docs/semantics.md, protocol v2): group by persistence id,
 * load the rows not cached, apply new records and recognise replays, write every changed row
 * version-checked, then publish new and re-emitted outputs. A row another writer changed first (a
 * version conflict) is reloaded and its records redone; a row the store refuses dead-letters the
 * records that changed it.
 */
public final class StatefulBatchProcessor extends BatchProcessor {
  private static final Logger LOG = LoggerFactory.getLogger(StatefulBatchProcessor.class);

  /** Attempts of a batch that keeps meeting version conflicts before it is rewound: {@value}. */
  static final int MAX_CONFLICT_ATTEMPTS = 5;

  /**
   * With parallel lanes, a batch's rows are written in about this many statements at most while the
   * lanes apply (the last once they are done), so the lanes do not wait for one write of all.
   */
  static final int WRITE_CHUNKS = 8;

  private final StateTable table;
  private final StateCache cache;
  private final Map<SourcePartition, OpenWindows> lastWindows = new ConcurrentHashMap<>();
  private final StatefulPlan plan;
  private final RowUpdater updater;
  private final TopicGuard guard;
  private final KeyLanes lanes;
  private final WindowRouter windows;
  private final Clock clock;
  private final boolean ticks;

  /** Per partition, when its earliest wall-clock timer is due: {@link Long#MIN_VALUE} to look. */
  private final Map<SourcePartition, Long> tickDue = new ConcurrentHashMap<>();

  private volatile PublishedOffsets published = new PublishedOffsets();
  private ToIntFunction<String> generations;

  /**
   * A processor of {@code plan}'s batches on {@code table}, publishing through {@code delivery},
   * checking its topics with {@code guard}, running different persistence ids on {@code lanes};
   * wall-clock timers read {@code clock}.
   */
  StatefulBatchProcessor(
      StatefulPlan plan,
      StateTable table,
      Delivery delivery,
      TopicGuard guard,
      KeyLanes lanes,
      Clock clock,
      Sleeper sleeper,
      FlowMetrics metrics,
      FlowTracer tracer) {
    super(plan, delivery, sleeper, metrics, tracer);
    this.table = table;
    this.clock = clock;
    this.ticks = plan.timers() != null && plan.timers().wallClock();
    this.cache = new StateCache(plan.state().cacheRows());
    this.plan = plan;
    this.guard = guard;
    this.lanes = lanes;
    this.updater = new RowUpdater(plan, userCode, failures, metrics);
    this.windows =
        plan.windowing() == null && plan.sessions() == null && plan.timers() == null
            ? null
            : new WindowRouter(plan.windowing(), plan.sessions(), plan.timers(), failures, metrics);
    metrics.stateCacheHitRate(cache::hitRate);
  }

  @Override
  public void partitionsChanged() {
    cache.clear();
    lastWindows.clear();
    guard.invalidate();
    tickDue.replaceAll((partition, due) -> Long.MIN_VALUE); // their timers are looked at again
  }

  /**
   * A windowed flow restores the stream times committed with the offsets it is assigned; a flow
   * with wall-clock timers, which ticks are known published, and looks at their timers.
   */
  @Override
  public void assigned(
      Collection<SourcePartition> partitions,
      Function<Collection<SourcePartition>, Map<SourcePartition, String>> committedMetadata) {
    if (windows == null) {
      return;
    }
    Map<SourcePartition, String> committed = committedMetadata.apply(partitions);
    windows.streamTimes().restore(committed);
    if (ticks) {
      published.published(Ticks.published(committed));
      partitions.forEach(partition -> tickDue.put(partition, Long.MIN_VALUE));
    }
  }

  @Override
  public boolean ticks() {
    return ticks;
  }

  @Override
  public Set<SourcePartition> dueTicks() {
    if (!ticks || tickDue.isEmpty()) {
      return Set.of();
    }
    long now = clock.millis();
    Set<SourcePartition> due = new HashSet<>();
    tickDue.forEach(
        (partition, at) -> {
          if (at <= now) {
            due.add(partition);
          }
        });
    return due;
  }

  @Override
  Runnable fill(Batch batch, BatchAcks acks) {
    long since = cache.epoch();
    Known known = known();
    WindowRouter.Pass pass =
        windows == null
            ? null
            : windows
            .new Pass(batch, openWindows(batch, known, since), known.published(), clock.millis());
    Map<String, List<Input>> byId = groupById(batch, acks, pass);
    if (ticks) {
      pass.tick(batch, byId);
    }
    Function<Map<String, Result>, List<RowImage>> windowRows =
        applied -> {
          if (pass == null) {
            return List.of();
          }
          if (plan.timers() != null) {
            pass.schedule(byId, applied);
          } else {
            pass.closeLater(applied);
          }
          return pass.end(batch, known.generation());
        };
    Effects effects = new Effects(batch.cancellation(), since, acks.trace());
    for (Result result : applyAndWrite(byId, windowRows, known, effects)) {
      for (Handled handled : result.handled()) {
        for (OutgoingRecord output : handled.outputs()) {
          acks.send(output, handled.input().raw());
          metrics.recordOut(output.topic());
        }
      }
    }
    PublishedOffsets into = known.published(); // not a newer one a topic's new generation made
    if (!ticks) {
      return () -> into.published(batch.nextOffsets());
    }
    Map<SourcePartition, Long> ticked = pass.tickOffsets();
    Map<SourcePartition, Long> earliest = pass.earliestTimers();
    return () -> {
      into.published(batch.nextOffsets());
      into.published(ticked);
      tickDue.putAll(earliest);
    };
  }

  /**
   * The next batch may apply and write while this one awaits its acknowledgements: it keeps this
   * batch's outputs in the rows it writes, since they are not known published until this batch
   * succeeded (docs/semantics.md, pipelined batches). Not with wall-clock timers: a batch re-emits
   * the firings of every tick not known published, which must not be those of the batch before it
   * still in flight.
   */
  @Override
  boolean overlaps() {
    return !ticks;
  }

  /** What is known beyond the rows; topic generations are (re)checked after an assignment. */
  private Known known() {
    ToIntFunction<String> now = guard.generations();
    if (generations != null && !sameGenerations(generations, now, plan.guardedTopics())) {
      published = new PublishedOffsets(); // offsets of a topic's earlier incarnation mean nothing
    }
    generations = now;
    return new Known(now, published);
  }

  private static boolean sameGenerations(
      ToIntFunction<String> before, ToIntFunction<String> now, List<String> topics) {
    return topics.stream().allMatch(t -> before.applyAsInt(t) == now.applyAsInt(t));
  }

  /**
   * The open windows of the batch's partitions, when the router tracks them; else none. Those the
   * last batch left are reused when the cache holds the very row they made or were read from (the
   * row of a partition with many open windows or timers costs milliseconds to decode); any other
   * row is decoded.
   */
  private Map<SourcePartition, OpenWindows> openWindows(Batch batch, Known known, long since) {
    if (!windows.tracksOpen()) {
      return Map.of();
    }
    Map<String, SourcePartition> byId = new HashMap<>();
    batch.firstOffsets().keySet().forEach(p -> byId.put(OpenWindows.id(p), p));
    Map<String, RowImage> rows = load(byId.keySet(), since);
    Map<SourcePartition, OpenWindows> open = new HashMap<>();
    byId.forEach(
        (id, p) -> {
          RowImage stored = rows.get(id);
          OpenWindows last = lastWindows.get(p);
          open.put(
              p,
              last != null && last.isOf(stored)
                  ? last
                  : OpenWindows.of(p, stored, known.generation()));
        });
    lastWindows.putAll(open);
    return open;
  }

  private Map<String, List<Input>> groupById(Batch batch, BatchAcks acks, WindowRouter.Pass pass) {
    Map<String, List<Input>> byId = new LinkedHashMap<>(batch.records().size() * 2);
    for (Message<byte[], byte[]> raw : batch.records()) {
      try {
        Message<Object, Object> decoded = plan.reader().decode(raw);
        String id = StateIds.checked(plan.reader().stateKey(decoded));
        Input input = new Input(raw, decoded);
        if (pass == null) {
          byId.computeIfAbsent(id, k -> new ArrayList<>(2)).add(input);
        } else {
          pass.route(input, id, byId, acks);
        }
      } catch (FormatException e) {
        acks.send(failures.deadLetter(raw, e, 1, Stage.DECODE), raw);
      } catch (Exception e) {
        acks.send(failures.deadLetter(raw, e, 1, Stage.PROCESS), raw);
      }
    }
    return byId;
  }

  /**
   * Where a batch's effects are checked: its cancellation, and the cache epoch it started at; and
   * its trace, which starts the spans of the records applied.
   */
  private record Effects(Cancellation cancellation, long since, BatchTrace trace) {}

  /**
   * Applies and writes every id's records, with the first attempt the rows of open windows {@code
   * windowRows} makes of its results; ids in conflict are reloaded and redone, the others are
   * final. Returns the results in the order of {@code byId}, however the lanes ran.
   */
  private List<Result> applyAndWrite(
      Map<String, List<Input>> byId,
      Function<Map<String, Result>, List<RowImage>> windowRows,
      Known known,
      Effects effects) {
    Map<String, Result> done = null; // the first attempt's results, in byId's order, then updated
    Map<String, List<Input>> pending = byId;
    for (int attempt = 1; ; attempt++) {
      Map<String, RowImage> rows = load(pending.keySet(), effects.since());
      Set<String> conflicts = new HashSet<>();
      if (attempt == 1 && writesAsApplied()) {
        done = updateWritingAsApplied(pending, rows, known, effects, conflicts);
      } else {
        Map<String, Result> results = update(pending, rows, known, effects.trace(), null);
        effects.cancellation().check("write the state of " + results.size() + " keys");
        List<RowImage> extra = attempt == 1 ? windowRows.apply(results) : List.of();
        if (attempt > 1) {
          requireTimersAsNoted(results, done);
        }
        WriteResult outcome = write(results.values(), extra);
        requireWritten(extra, outcome);
        Map<String, Result> into = done == null ? results : done;
        List<RowImage> written = new ArrayList<>(extra);
        results.forEach((id, result) -> settle(id, result, outcome, written, into, conflicts));
        cache.putAll(written, effects.since());
        done = into;
      }
      if (conflicts.isEmpty()) {
        return new ArrayList<>(done.values());
      }
      conflicted(conflicts, pending.size(), attempt);
      Map<String, List<Input>> again = new LinkedHashMap<>();
      conflicts.forEach(id -> again.put(id, byId.get(id)));
      pending = again;
    }
  }

  /**
   * Whether a batch's first attempt writes the rows of the ids applied while the lanes still apply
   * the others: with parallel lanes and no rows of open windows (written with every result).
   */
  private boolean writesAsApplied() {
    return lanes.parallel() && windows == null;
  }

  /**
   * Runs each id's records through the state function on the lanes, as {@link #update}, and writes
   * the rows of the ids applied so far while the lanes apply the others, each statement at least
   * 1/{@value #WRITE_CHUNKS} of the ids; the ids in conflict go to {@code conflicts}. Returns the
   * results in the order of {@code pending}, a refused row's as refused.
   */
  private Map<String, Result> updateWritingAsApplied(
      Map<String, List<Input>> pending,
      Map<String, RowImage> rows,
      Known known,
      Effects effects,
      Set<String> conflicts) {
    Map<String, Result> settled = new HashMap<>();
    Map<String, Result> results =
        update(
            pending,
            rows,
            known,
            effects.trace(),
            applied -> {
              effects.cancellation().check("write the state of " + applied.size() + " keys");
              WriteResult outcome = write(applied.values(), List.of());
              List<RowImage> written = new ArrayList<>(applied.size());
              applied.forEach(
                  (id, result) -> settle(id, result, outcome, written, settled, conflicts));
              cache.putAll(written, effects.since());
            });
    results.putAll(settled); // a refused row's result in its place
    return results;
  }

  /**
   * Runs each id's records through the state function, ids on the key lanes (each id's records in
   * order on one lane); the results in the order of {@code pending}. With {@code applied}, hands it
   * the ids applied so far, at least 1/{@value #WRITE_CHUNKS} of them at a time while the lanes
   * still run, then the rest.
   */
  private Map<String, Result> update(
      Map<String, List<Input>> pending,
      Map<String, RowImage> rows,
      Known known,
      BatchTrace trace,
      Consumer<Map<String, Result>> applied) {
    List<Map.Entry<String, List<Input>>> ids = new ArrayList<>(pending.entrySet());
    Function<Map.Entry<String, List<Input>>, Result> work =
        id -> updater.update(id.getKey(), rows.get(id.getKey()), id.getValue(), known, trace);
    List<Result> updated =
        applied == null
            ? lanes.map(ids, work)
            : lanes.map(
                ids,
                work,
                Math.max(1, ids.size() / WRITE_CHUNKS),
                done -> {
                  Map<String, Result> byId = new LinkedHashMap<>(done.size() * 2);
                  done.forEach(item -> byId.put(ids.get(item.item()).getKey(), item.result()));
                  applied.accept(byId);
                });
    Map<String, Result> results = new LinkedHashMap<>(ids.size() * 2);
    for (int i = 0; i < ids.size(); i++) {
      results.put(ids.get(i).getKey(), updated.get(i));
    }
    return results;
  }

  /**
   * Rewinds the batch when a row redone after a conflict has another timer than its first attempt
   * noted in the open windows (written with the first attempt): the replay notes the written one.
   */
  private static void requireTimersAsNoted(Map<String, Result> redone, Map<String, Result> first) {
    redone.forEach(
        (id, result) -> {
          Result noted = first.get(id);
          if (result.timed() && !Objects.equals(atOf(result), atOf(noted))) {
            throw new FlowsException(
                "the timer of "
                    + id
                    + " changed when its row was redone after a version conflict; the batch is"
                    + " rewound so the open windows note it");
          }
        });
  }

  private static Long atOf(Result result) {
    return result.timer() == null ? null : result.timer().at();
  }

  /**
   * Keeps a written or refused row's result in {@code done} (and what was written in {@code
   * written}); a conflict goes to {@code conflicts}, to be redone.
   */
  private void settle(
      String id,
      Result result,
      WriteResult outcome,
      List<RowImage> written,
      Map<String, Result> done,
      Set<String> conflicts) {
    if (outcome.conflicts().contains(id)) {
      conflicts.add(id);
      return;
    }
    String refusal = outcome.refused().get(id);
    if (refusal != null) {
      LOG.warn("flow {}: the state store refused the row of {}: {}", plan.name(), id, refusal);
      done.put(id, updater.refused(result, refusal));
      return;
    }
    if (result.written() != null) {
      written.add(result.written());
    }
    done.put(id, result);
  }

  private void conflicted(Set<String> conflicts, int written, int attempt) {
    cache.evict(conflicts);
    metrics.stateConflict();
    LOG.warn(
        "flow {}: version conflict on {} of {} rows (another instance wrote them{}), attempt {}:"
            + " reloading and redoing them",
        plan.name(),
        conflicts.size(),
        written,
        plan.state().retention() == null ? "" : ", or the purge of expired rows deleted them",
        attempt);
    if (attempt >= MAX_CONFLICT_ATTEMPTS) {
      throw new FlowsException(
          "state of "
              + conflicts.size()
              + " keys was written by another instance, "
              + attempt
              + " times in a row; the batch is rewound (ids e.g. "
              + conflicts.iterator().next()
              + ")");
    }
  }

  private Map<String, RowImage> load(Set<String> ids, long since) {
    Map<String, RowImage> rows = cache.getAll(ids);
    if (rows.size() < ids.size()) {
      List<String> missing = ids.stream().filter(id -> !rows.containsKey(id)).toList();
      long start = System.nanoTime();
      Map<String, StateRow> loaded = table.load(missing);
      metrics.stateRead(System.nanoTime() - start);
      List<RowImage> images = loaded.values().stream().map(RowImage::new).toList();
      cache.putAll(images, since);
      images.forEach(image -> rows.put(image.row().id(), image));
    }
    return rows;
  }

  /**
   * Rewinds the batch when a row of open windows was not written: another instance wrote it (it
   * consumes the partition now), or the store refused it. The batch's retry reloads the row.
   */
  private void requireWritten(List<RowImage> windowRows, WriteResult outcome) {
    for (RowImage image : windowRows) {
      String id = image.row().id();
      String refusal = outcome.refused().get(id);
      if (outcome.conflicts().contains(id) || refusal != null) {
        cache.evict(List.of(id));
        throw new FlowsException(
            "the open windows row "
                + id
                + (refusal == null
                    ? " was written by another instance (which consumes its partition now)"
                    : " was refused by the state store: " + refusal)
                + "; the batch is rewound");
      }
    }
  }

  private WriteResult write(Collection<Result> results, List<RowImage> windowRows) {
    List<StateRow> writes = new ArrayList<>(results.size() + windowRows.size());
    windowRows.forEach(image -> writes.add(image.row()));
    results.stream()
        .map(Result::written)
        .filter(Objects::nonNull)
        .forEach(image -> writes.add(image.row()));
    if (writes.isEmpty()) {
      return WriteResult.ALL_WRITTEN;
    }
    long start = System.nanoTime();
    WriteResult outcome = table.write(writes);
    metrics.stateWrite(System.nanoTime() - start);
    return outcome;
  }
}
