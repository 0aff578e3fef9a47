package dev.flows.internal.runtime;

import dev.flows.spi.RowPurge;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateStore;
import dev.flows.spi.StateTable;
import dev.flows.spi.WriteResult;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A flow's state table, opened (which creates it) when the flow is wired if the database answers,
 * else at its first use: a database that is down or refusing when the runtime is built must fail
 * the flow's first batch (retried, or stopping the flow: {@link RefusalRule}), not the build, while
 * a database that answers has the table (and its view) from the start, as readers and tools expect.
 * Thread-safe.
 */
final class LazyStateTable implements StateTable {
  private static final Logger LOG = LoggerFactory.getLogger(LazyStateTable.class);

  private final StateStore store;
  private final String name;
  private volatile StateTable table;

  private LazyStateTable(StateStore store, String name) {
    this.store = store;
    this.name = name;
  }

  /**
   * Table {@code name} of {@code store}, opened now if the database answers, else when first loaded
   * or written.
   */
  static LazyStateTable openedIfReachable(StateStore store, String name) {
    LazyStateTable lazy = new LazyStateTable(store, name);
    try {
      lazy.table();
    } catch (RuntimeException e) {
      LOG.warn("state table {} is opened at the first batch instead: {}", name, e.toString());
    }
    return lazy;
  }

  @Override
  public Map<String, StateRow> load(Collection<String> ids) {
    return table().load(ids);
  }

  @Override
  public WriteResult write(List<StateRow> rows) {
    return table().write(rows);
  }

  @Override
  public RowPurge.Page purge(RowPurge purge) {
    return table().purge(purge);
  }

  @Override
  public long rows() {
    return table().rows();
  }

  private StateTable table() {
    StateTable opened = table;
    if (opened == null) {
      synchronized (this) {
        if (table == null) {
          table = store.table(name);
        }
        opened = table;
      }
    }
    return opened;
  }

  @Override
  public String toString() {
    return "LazyStateTable[" + name + "]";
  }
}
