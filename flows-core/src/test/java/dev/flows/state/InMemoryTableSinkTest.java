package dev.flows.state;

import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.spi.TableSink;
import dev.flows.spi.TableSinkContract;
import dev.flows.testing.InMemoryTableSink;
import java.util.Map;

class InMemoryTableSinkTest extends TableSinkContract {
  @Override
  protected TableSink newSink() {
    return InMemoryTableSink.create();
  }

  @Override
  protected Map<Object, Row> read(TableSink sink, TableSpec table) {
    return ((InMemoryTableSink) sink).rows(table.name());
  }
}
