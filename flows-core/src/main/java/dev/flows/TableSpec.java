package dev.flows;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The PostgreSQL table a materialise flow keeps up to date: its name, its primary key columns, its
 * other columns and an optional offset column. Immutable; names are validated lower-case
 * identifiers, used quoted. The table sink creates the table if absent.
 *
 * <p>A flow ending in {@link dev.flows.dsl.MaterialiseSource#into into} writes one row per record
 * key into a table with a one-column primary key, whose value is the record key. A flow ending in
 * {@link dev.flows.dsl.MaterialiseSource#intoRows intoRows} writes any rows, so the key may have
 * several columns (e.g. {@code order_id, line_no}) and need not be the record key.
 *
 * <p>With an {@linkplain #withOffsetColumn(String) offset column} ({@code bigint}), each row keeps
 * the source position of the record that wrote it: its offset in the offset column, its partition
 * in {@value #PARTITION_COLUMN} and its topic's generation (how often a recreation of the topic was
 * accepted) in {@value #GENERATION_COLUMN}, both {@code integer}. A record (or tombstone) from the
 * partition that wrote the row changes it only if it is newer (a later generation, or the same
 * generation and a greater offset), so a replay never overwrites a newer row; one from another
 * partition changes it (across partitions the last writer wins: a key's partition changes only when
 * the topic's partition count or the producer's key mapping changes, and the flow stops on the
 * first). A row with no partition stored (written before these columns existed) counts as from the
 * same partition. A delete does not remove the row: it becomes a deleted marker (its other columns
 * NULL, {@value #DELETED_COLUMN} true) that keeps the deleting record's source, so an older record
 * of its partition, replayed or from an instance that lost the partition, cannot bring the row
 * back. Readers skip markers: {@code WHERE NOT deleted}. A marker also keeps when it was written
 * ({@value #DELETED_AT_COLUMN}), and the running flow purges it in the background once it is older
 * than the {@linkplain #withMarkerRetention(Duration) marker retention} and its partition's
 * committed offset passed it (see {@code docs/semantics.md}).
 *
 * <pre>{@code
 * TableSpec words = TableSpec.of("flows_materialised", Column.text("word"))
 *     .withColumn(Column.bigint("count"))
 *     .withOffsetColumn("updated_offset");
 * TableSpec lines = TableSpec.of("order_lines", Column.text("order_id"), Column.integer("line_no"))
 *     .withColumn(Column.text("sku"));
 * }</pre>
 *
 * @param name the table name: 1 to 63 of {@code [a-z0-9_]}, starting with a letter
 * @param primaryKey the primary key columns, in key order, at least one
 * @param columns the other columns, in order
 * @param offsetColumn the {@code bigint} column holding the writing record's offset, or {@code
 *     null}
 * @param markerRetention how long a versioned table keeps a deleted marker before the flow may
 *     purge it ({@link #DEFAULT_MARKER_RETENTION} unless set)
 */
public record TableSpec(
    String name,
    List<Column> primaryKey,
    List<Column> columns,
    String offsetColumn,
    Duration markerRetention) {
  /**
   * How long a deleted marker is kept by default: 7 days. A marker refuses the stale upserts of its
   * key: an instance that lost the partition and still writes a batch it read before, or a replay.
   * A stale writer lives as long as its process is frozen or cut off (seconds to minutes; a JVM is
   * not paused for days), and a replay from the committed offsets never reaches a purged marker
   * (see the purge rule), so a week covers any stale writer with a wide margin while bounding the
   * markers a table holds to the keys deleted in the last week.
   */
  public static final Duration DEFAULT_MARKER_RETENTION = Duration.ofDays(7);

  /** The {@code integer} column of a versioned table holding the writing record's partition. */
  public static final String PARTITION_COLUMN = "source_partition";

  /**
   * The {@code integer} column of a versioned table holding the generation of the writing record's
   * topic.
   */
  public static final String GENERATION_COLUMN = "source_generation";

  /**
   * The {@code boolean} column of a versioned table marking a deleted row, which readers skip
   * ({@code WHERE NOT deleted}).
   */
  public static final String DELETED_COLUMN = "deleted";

  /**
   * The {@code timestamptz} column of a versioned table holding when a deleted marker was written
   * (NULL in a live row): what the marker retention counts from.
   */
  public static final String DELETED_AT_COLUMN = "deleted_at";

  /**
   * Validates the names, that the key has a column, that no column is named twice, and the marker
   * retention.
   */
  public TableSpec {
    Column.requireIdentifier("table name", name);
    primaryKey = List.copyOf(Objects.requireNonNull(primaryKey, "primaryKey"));
    if (primaryKey.isEmpty()) {
      throw FlowDefinitionException.of(
          "primary key",
          primaryKey,
          "of table " + name + " has no column",
          "give it one or more columns, e.g. TableSpec.of(name, Column.text(\"id\"))");
    }
    columns = List.copyOf(columns);
    if (offsetColumn != null) {
      Column.requireIdentifier("offset column", offsetColumn);
    }
    requireDistinct(name, primaryKey, columns, offsetColumn);
    if (markerRetention == null || markerRetention.isNegative() || markerRetention.isZero()) {
      throw FlowDefinitionException.of(
          "markerRetention",
          markerRetention,
          "must be a positive duration (table " + name + ")",
          "use e.g. TableSpec.DEFAULT_MARKER_RETENTION (7 days), longer than any stale writer lives");
    }
  }

  /** A table with the {@linkplain #DEFAULT_MARKER_RETENTION default marker retention}. */
  public TableSpec(
      String name, List<Column> primaryKey, List<Column> columns, String offsetColumn) {
    this(name, primaryKey, columns, offsetColumn, DEFAULT_MARKER_RETENTION);
  }

  /**
   * A table {@code name} whose primary key is {@code key} followed by {@code moreKey} (a composite
   * key, for {@link dev.flows.dsl.MaterialiseSource#intoRows intoRows}), without other columns yet.
   */
  public static TableSpec of(String name, Column key, Column... moreKey) {
    List<Column> primaryKey = new ArrayList<>(1 + moreKey.length);
    primaryKey.add(Objects.requireNonNull(key, "key"));
    for (Column column : moreKey) {
      primaryKey.add(Objects.requireNonNull(column, "key column"));
    }
    return new TableSpec(name, primaryKey, List.of(), null);
  }

  /** A copy with one more column. */
  public TableSpec withColumn(Column column) {
    List<Column> more = new ArrayList<>(columns);
    more.add(Objects.requireNonNull(column, "column"));
    return new TableSpec(name, primaryKey, more, offsetColumn, markerRetention);
  }

  /** A copy that keeps each row's source offset in {@code column} and refuses older records. */
  public TableSpec withOffsetColumn(String column) {
    return new TableSpec(
        name, primaryKey, columns, Objects.requireNonNull(column, "column"), markerRetention);
  }

  /**
   * A copy whose deleted markers (versioned tables only) are kept for {@code retention} before the
   * running flow may purge them. Choose it longer than any instance that lost its partitions could
   * go on writing (a frozen or cut-off process), as a purged marker no longer refuses its stale
   * upsert; see {@link #DEFAULT_MARKER_RETENTION}.
   *
   * @throws FlowDefinitionException if {@code retention} is not positive
   */
  public TableSpec withMarkerRetention(Duration retention) {
    return new TableSpec(name, primaryKey, columns, offsetColumn, retention);
  }

  /**
   * Every column the rows carry, in table order: the primary key columns, the others, then, if
   * versioned, the offset column ({@code bigint}), {@value #PARTITION_COLUMN} and {@value
   * #GENERATION_COLUMN} ({@code integer}).
   */
  public List<Column> allColumns() {
    List<Column> all = new ArrayList<>(primaryKey.size() + columns.size() + 3);
    all.addAll(primaryKey);
    all.addAll(columns);
    if (offsetColumn != null) {
      all.add(Column.bigint(offsetColumn));
      all.add(Column.of(PARTITION_COLUMN, ColumnType.INTEGER));
      all.add(Column.of(GENERATION_COLUMN, ColumnType.INTEGER));
    }
    return List.copyOf(all);
  }

  /** Whether rows carry an offset that refuses regressions. */
  public boolean versioned() {
    return offsetColumn != null;
  }

  /** {@code name [every column] key pk1, pk2}, as plans print it. */
  @Override
  public String toString() {
    return name
        + " "
        + allColumns().stream().map(Column::toString).toList()
        + " key "
        + String.join(", ", primaryKey.stream().map(Column::name).toList());
  }

  private static void requireDistinct(
      String table, List<Column> primaryKey, List<Column> columns, String offsetColumn) {
    Set<String> names = new HashSet<>();
    List<Column> named = new ArrayList<>(primaryKey);
    named.addAll(columns);
    for (Column column : named) {
      if (!names.add(Objects.requireNonNull(column, "column").name())) {
        throw FlowDefinitionException.of(
            "column", column.name(), "is named twice in table " + table, "name each column once");
      }
    }
    if (offsetColumn == null) {
      return;
    }
    if (!names.add(offsetColumn)) {
      throw FlowDefinitionException.of(
          "offset column",
          offsetColumn,
          "is also a column of table " + table,
          "give the offset column a name of its own, e.g. updated_offset");
    }
    for (String kept :
        List.of(PARTITION_COLUMN, GENERATION_COLUMN, DELETED_COLUMN, DELETED_AT_COLUMN)) {
      if (!names.add(kept)) {
        throw FlowDefinitionException.of(
            "column",
            kept,
            "is kept by Flows in versioned table " + table,
            "rename the column, or the offset column if it is named " + kept);
      }
    }
  }
}
