package dev.flows.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One batch of the {@code materialise-sql} rows, column by column, as a versioned materialised
 * table holds them: {@code id} (distinct text keys {@code k<i>}), {@code value} (100 B), {@code
 * updated_offset}, {@code source_partition} (6 partitions, as the materialise scenario's topic) and
 * {@code source_generation}; sorted by key, as the table sink sorts a batch.
 */
record SqlBatch(
    String[] ids, String[] values, Long[] offsets, Integer[] partitions, Integer[] generations) {
  static final int PARTITIONS = 6;

  int size() {
    return ids.length;
  }

  /** The rows {@code from} (inclusive) to {@code to} (exclusive), in {@code size} batches. */
  static List<SqlBatch> of(int from, int to, int size, long offsetShift) {
    List<SqlBatch> batches = new ArrayList<>();
    for (int start = from; start < to; start += size) {
      batches.add(batch(start, Math.min(to, start + size), offsetShift));
    }
    return batches;
  }

  /** The same keys with offsets {@code by} greater: a newer version of every row. */
  SqlBatch newer(long by) {
    Long[] newer = Arrays.stream(offsets).map(o -> o + by).toArray(Long[]::new);
    return new SqlBatch(ids, values, newer, partitions, generations);
  }

  /** The rows at {@code indexes}. */
  SqlBatch only(List<Integer> indexes) {
    int n = indexes.size();
    SqlBatch part =
        new SqlBatch(new String[n], new String[n], new Long[n], new Integer[n], new Integer[n]);
    for (int i = 0; i < n; i++) {
      int at = indexes.get(i);
      part.ids[i] = ids[at];
      part.values[i] = values[at];
      part.offsets[i] = offsets[at];
      part.partitions[i] = partitions[at];
      part.generations[i] = generations[at];
    }
    return part;
  }

  private static SqlBatch batch(int from, int to, long offsetShift) {
    Integer[] order = new Integer[to - from];
    for (int i = 0; i < order.length; i++) {
      order[i] = from + i;
    }
    Arrays.sort(order, Comparator.comparing(i -> "k" + i));
    int n = order.length;
    SqlBatch batch =
        new SqlBatch(new String[n], new String[n], new Long[n], new Integer[n], new Integer[n]);
    for (int j = 0; j < n; j++) {
      int i = order[j];
      batch.ids[j] = "k" + i;
      batch.values[j] = new String(KafkaOps.value(i), java.nio.charset.StandardCharsets.UTF_8);
      batch.offsets[j] = i / PARTITIONS + offsetShift;
      batch.partitions[j] = i % PARTITIONS;
      batch.generations[j] = 0;
    }
    return batch;
  }
}
