package dev.flows.internal.runtime;

import dev.flows.spi.StateRow;
import dev.flows.spi.StateStore;
import dev.flows.spi.StateTable;
import dev.flows.spi.WriteResult;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A flow's state table opened at its first use, not when the flow is wired: opening creates the
 * table, and a database that is down or refusing when the runtime is built must fail the flow's
 * first batch (retried, or stopping the flow: {@link RefusalRule}), not the build. Thread-safe.
 */
final class LazyStateTable implements StateTable {
  private final StateStore store;
  private final String name;
  private volatile StateTable table;

  /** Table {@code name} of {@code store}, opened when first loaded or written. */
  LazyStateTable(StateStore store, String name) {
    this.store = store;
    this.name = name;
  }

  @Override
  public Map<String, StateRow> load(Collection<String> ids) {
    return table().load(ids);
  }

  @Override
  public WriteResult write(List<StateRow> rows) {
    return table().write(rows);
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
