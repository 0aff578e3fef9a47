package dev.flows.internal.runtime;

import dev.flows.spi.StateRow;
import dev.flows.spi.StateStore;
import dev.flows.spi.StateTable;
import dev.flows.spi.TopicLedger;
import dev.flows.spi.WriteResult;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A store whose tables' writes go through {@code hook}: a test's way to race another writer, watch
 * the writes or refuse a row. Loads, the topic ledger and closing go to {@code store}.
 */
record WriteHookStore(StateStore store, WriteHook hook) implements StateStore {
  /** Writes {@code rows} to {@code table} (the table {@code name}), doing what the test needs. */
  interface WriteHook {
    WriteResult write(String name, StateTable table, List<StateRow> rows);
  }

  @Override
  public StateTable table(String name) {
    StateTable table = store.table(name);
    return new StateTable() {
      @Override
      public Map<String, StateRow> load(Collection<String> ids) {
        return table.load(ids);
      }

      @Override
      public WriteResult write(List<StateRow> rows) {
        return hook.write(name, table, rows);
      }
    };
  }

  @Override
  public TopicLedger topics() {
    return store.topics();
  }

  @Override
  public void close() {}
}
