package dev.flows.postgres.internal;

import dev.flows.TableSpec;
import dev.flows.spi.MarkerPurge;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.CRC32;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The purge of a versioned table's deleted markers, and the partial index that finds them without
 * reading the table ({@code (deleted_at) WHERE deleted}: markers only, so live rows' writes do not
 * touch it). One purge is one statement: it locks at most {@code limit} markers that the {@link
 * MarkerPurge} allows, skipping those a batch's write holds (so it never waits for one, and a batch
 * waits at most for this short statement), and deletes them by their physical address:
 *
 * <pre>{@code
 * DELETE FROM "t" WHERE ctid = ANY(ARRAY(
 *   SELECT ctid FROM "t" WHERE deleted AND deleted_at <= now() - make_interval(secs => :seconds)
 *     AND (coalesce(source_generation, 0) < :generation OR coalesce(source_generation, 0) = :generation
 *       AND "offset" < (:committed::bigint[])[source_partition + 1])
 *   LIMIT :limit FOR UPDATE SKIP LOCKED)) AND deleted
 * }</pre>
 */
final class MarkerPurgeSql {
  private static final Logger LOG = LoggerFactory.getLogger(MarkerPurgeSql.class);
  private static final String INDEX_PRESENT =
      "SELECT count(*) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
          + " WHERE i.indrelid = to_regclass(:table::text) AND c.relname = :index";

  private final Jdbi jdbi;
  private final TableSpec spec;
  private final String table;
  private final String index;
  private final String purge;

  MarkerPurgeSql(Jdbi jdbi, TableSpec spec) {
    this.jdbi = jdbi;
    this.spec = spec;
    this.table = '"' + spec.name() + '"';
    this.index = indexName(spec.name());
    this.purge = purge(table, '"' + spec.offsetColumn() + '"');
  }

  /**
   * Creates the markers' index if the catalog has none, so a table that has it takes no lock. A
   * table the flow's user cannot index (made by another user) is purged without it, by reading the
   * table: logged, not failed.
   */
  void ensureIndex() {
    try {
      long present =
          jdbi.withHandle(
              h ->
                  h.createQuery(INDEX_PRESENT)
                      .bind("table", table)
                      .bind("index", index)
                      .mapTo(Long.class)
                      .one());
      if (present == 0) {
        jdbi.useHandle(
            h ->
                h.execute(
                    "CREATE INDEX IF NOT EXISTS \""
                        + index
                        + "\" ON "
                        + table
                        + " (\""
                        + TableSpec.DELETED_AT_COLUMN
                        + "\") WHERE \""
                        + TableSpec.DELETED_COLUMN
                        + "\""));
      }
    } catch (JdbiException e) {
      LOG.warn(
          "materialised table {}: cannot create index {} of its deleted markers ({}); purges will"
              + " read the table instead",
          spec.name(),
          index,
          e.getMessage());
    }
  }

  /** Deletes at most {@code limit} markers that {@code request} allows; how many it deleted. */
  int purge(MarkerPurge request) {
    Long[] committed = new Long[request.committed().keySet().stream().reduce(-1, Math::max) + 1];
    request.committed().forEach((partition, offset) -> committed[partition] = offset);
    return Databases.call(
        "materialised table " + spec.name(),
        "purge deleted markers",
        () ->
            jdbi.withHandle(
                h ->
                    h.createUpdate(purge)
                        .bind("seconds", request.olderThan().toMillis() / 1_000.0)
                        .bind("generation", request.generation())
                        .bindArray("committed", Long.class, (Object[]) committed)
                        .bind("limit", request.limit())
                        .execute()));
  }

  private static String purge(String table, String offset) {
    String generation = "coalesce(\"" + TableSpec.GENERATION_COLUMN + "\", 0)";
    String deleted = "\"" + TableSpec.DELETED_COLUMN + "\"";
    return "DELETE FROM "
        + table
        + " WHERE ctid = ANY(ARRAY(SELECT ctid FROM "
        + table
        + " WHERE "
        + deleted
        + " AND \""
        + TableSpec.DELETED_AT_COLUMN
        + "\" <= now() - make_interval(secs => :seconds) AND ("
        + generation
        + " < :generation OR "
        + generation
        + " = :generation AND "
        + offset
        + " < (:committed::bigint[])[\""
        + TableSpec.PARTITION_COLUMN
        + "\" + 1]) LIMIT :limit FOR UPDATE SKIP LOCKED)) AND "
        + deleted;
  }

  /**
   * {@code <table>_markers}, or for a name too long for that within PostgreSQL's 63 characters, its
   * start and a checksum of the whole, so two long names do not share one.
   */
  static String indexName(String tableName) {
    String suffix = "_markers";
    if (tableName.length() + suffix.length() <= 63) {
      return tableName + suffix;
    }
    CRC32 crc = new CRC32();
    crc.update(tableName.getBytes(StandardCharsets.UTF_8));
    String hash = HexFormat.of().toHexDigits((int) crc.getValue());
    return tableName.substring(0, 63 - suffix.length() - hash.length() - 1) + "_" + hash + suffix;
  }
}
