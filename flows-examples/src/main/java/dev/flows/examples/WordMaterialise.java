package dev.flows.examples;

import dev.flows.Column;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.Topic;

/**
 * The seed's materialise: the running counts of {@code word-count} kept in table {@code
 * flows_materialised} (word, count, updated_offset), one row per word. Each batch is one upsert
 * transaction; the offset column makes a replayed, older count never overwrite a newer one.
 */
public final class WordMaterialise {
  /** {@code flows_materialised}: the word is the primary key (the record key). */
  public static final TableSpec TABLE =
      TableSpec.of("flows_materialised", Column.text("word"))
          .withColumn(Column.bigint("count"))
          .withOffsetColumn("updated_offset");

  private WordMaterialise() {}

  /**
   * {@code flows-word-materialise}: the count is parsed from the record value; a tombstone deletes
   * the word.
   */
  public static Flow flow() {
    return flow("flows-word-materialise", WordCount.WORD_COUNT, TABLE);
  }

  /**
   * The same flow under another name, from another topic into another table, as the integration
   * tests run it.
   */
  public static Flow flow(String name, Topic<String, String> counts, TableSpec table) {
    return Flows.materialise(name)
        .from(counts)
        .into(table, (word, count) -> Row.of("count", Long.parseLong(count)));
  }
}
