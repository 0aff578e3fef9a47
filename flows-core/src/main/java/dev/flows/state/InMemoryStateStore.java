package dev.flows.state;

import dev.flows.spi.CronClaims;
import dev.flows.spi.RowPurge;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateStore;
import dev.flows.spi.StateTable;
import dev.flows.spi.TopicLedger;
import dev.flows.spi.WriteResult;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * State kept in this JVM's memory, with the same versioned-write contract as PostgreSQL. For
 * development, tests and small flows whose state may be rebuilt from the topic: it is lost when the
 * process stops, with its record of topics. It holds any row, so it refuses none. Each row keeps
 * when it was last written, by the store's clock, for {@link StateTable#purge}. Thread-safe.
 */
public final class InMemoryStateStore implements StateStore {
  private final Map<String, Table> tables = new ConcurrentHashMap<>();
  private final TopicLedger ledger = InMemoryTopicLedger.create();
  private final CronClaims claims = new InMemoryCronClaims();
  private final Clock clock;

  private InMemoryStateStore(Clock clock) {
    this.clock = clock;
  }

  /** An empty store on the system clock. */
  public static InMemoryStateStore create() {
    return create(Clock.systemUTC());
  }

  /**
   * An empty store whose rows are timed by {@code clock}, so a test can move time on and have rows
   * pass their retention without waiting.
   */
  public static InMemoryStateStore create(Clock clock) {
    return new InMemoryStateStore(clock);
  }

  @Override
  public StateTable table(String name) {
    return tables.computeIfAbsent(name, n -> new Table(clock));
  }

  /** The stored rows among {@code ids}; a table not used yet has none, and is not created. */
  @Override
  public Map<String, StateRow> read(String name, Collection<String> ids) {
    Table table = tables.get(name);
    return table == null ? new HashMap<>() : table.load(ids);
  }

  @Override
  public TopicLedger topics() {
    return ledger;
  }

  /** Cron claims held in this store: replicas sharing it fire each tick once. */
  @Override
  public CronClaims cronClaims() {
    return claims;
  }

  @Override
  public void close() {}

  /**
   * One table: rows by id, each with the time of the write that stored it (as PostgreSQL's {@code
   * updated_at} is the time of its transaction), and the ids in order for the purge's pages,
   * guarded by the table's monitor. A write looks its rows up by hash; only a new or deleted row
   * changes the ordered ids.
   */
  private static final class Table implements StateTable {
    private record Stored(StateRow row, Instant written) {}

    private final Map<String, Stored> rows = new HashMap<>();
    private final TreeSet<String> ids = new TreeSet<>();
    private final Clock clock;

    Table(Clock clock) {
      this.clock = clock;
    }

    @Override
    public synchronized Map<String, StateRow> load(Collection<String> ids) {
      Map<String, StateRow> found = new HashMap<>();
      for (String id : ids) {
        Stored stored = rows.get(id);
        if (stored != null) {
          found.put(id, stored.row());
        }
      }
      return found;
    }

    /** Each change replaces its row in one search of the map if it is the next version. */
    @Override
    public synchronized WriteResult write(List<StateRow> changes) {
      Set<String> conflicts = new HashSet<>();
      Instant now = clock.instant();
      for (StateRow change : changes) {
        rows.compute(
            change.id(),
            (id, stored) -> {
              long storedVersion = stored == null ? 0 : stored.row().version();
              if (storedVersion != change.version() - 1) {
                conflicts.add(id);
                return stored;
              }
              if (stored == null) {
                ids.add(id);
              }
              return new Stored(change, now);
            });
      }
      return new WriteResult(conflicts, Map.of());
    }

    /** Under the table's monitor, so no write runs between a row's check and its delete. */
    @Override
    public synchronized RowPurge.Page purge(RowPurge purge) {
      Instant cutoff = clock.instant().minus(purge.olderThan());
      Set<String> after = purge.after() == null ? ids : ids.tailSet(purge.after(), false);
      List<String> old =
          after.stream()
              .filter(id -> !rows.get(id).written().isAfter(cutoff))
              .limit(purge.limit())
              .toList();
      int deleted = 0;
      for (String id : old) {
        if (purge.behind().test(id, rows.get(id).row().progress())) {
          rows.remove(id);
          ids.remove(id);
          deleted++;
        }
      }
      return new RowPurge.Page(
          deleted, old.size() < purge.limit() ? null : old.get(old.size() - 1));
    }

    @Override
    public synchronized long rows() {
      return rows.size();
    }
  }
}
