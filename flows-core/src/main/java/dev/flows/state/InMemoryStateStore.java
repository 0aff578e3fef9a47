package dev.flows.state;

import dev.flows.spi.CronClaims;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateStore;
import dev.flows.spi.StateTable;
import dev.flows.spi.TopicLedger;
import dev.flows.spi.WriteResult;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * State kept in this JVM's memory, with the same versioned-write contract as PostgreSQL. For
 * development, tests and small flows whose state may be rebuilt from the topic: it is lost when the
 * process stops, with its record of topics. It holds any row, so it refuses none. Thread-safe.
 */
public final class InMemoryStateStore implements StateStore {
  private final Map<String, Table> tables = new ConcurrentHashMap<>();
  private final TopicLedger ledger = InMemoryTopicLedger.create();
  private final CronClaims claims = new InMemoryCronClaims();

  /** An empty store. */
  public static InMemoryStateStore create() {
    return new InMemoryStateStore();
  }

  @Override
  public StateTable table(String name) {
    return tables.computeIfAbsent(name, n -> new Table());
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

  /** One table: a map guarded by its monitor. */
  private static final class Table implements StateTable {
    private final Map<String, StateRow> rows = new HashMap<>();

    @Override
    public synchronized Map<String, StateRow> load(Collection<String> ids) {
      Map<String, StateRow> found = new HashMap<>();
      for (String id : ids) {
        StateRow row = rows.get(id);
        if (row != null) {
          found.put(id, row);
        }
      }
      return found;
    }

    @Override
    public synchronized WriteResult write(List<StateRow> changes) {
      Set<String> conflicts = new HashSet<>();
      for (StateRow change : changes) {
        StateRow stored = rows.get(change.id());
        long storedVersion = stored == null ? 0 : stored.version();
        if (storedVersion == change.version() - 1) {
          rows.put(change.id(), change);
        } else {
          conflicts.add(change.id());
        }
      }
      return new WriteResult(conflicts, Map.of());
    }
  }
}
