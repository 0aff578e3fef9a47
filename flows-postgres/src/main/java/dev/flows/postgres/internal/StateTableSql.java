package dev.flows.postgres.internal;

import dev.flows.FlowDefinitionException;
import java.util.regex.Pattern;

/**
 * The SQL of one state table. The table name is validated, then quoted into the text: identifiers
 * cannot be bind parameters, and quoting keeps reserved words such as {@code order} usable.
 *
 * @param table the quoted table name
 * @param create creates the table if absent
 * @param load reads the rows whose id is in {@code :ids}
 * @param write the versioned, set-based write of a whole batch (see {@link PostgresStateTable})
 * @param jsonView the view {@code <table>_json} (unquoted), or {@code null} for a table name too
 *     long to take the suffix
 * @param createJsonView creates or replaces that view, or {@code null}
 * @param expired locks and reads the first {@code :limit} rows in id order last written at least
 *     {@code :seconds} ago, skipping rows another transaction holds
 * @param expiredAfter the same, among the ids after {@code :after}
 * @param delete deletes the rows whose id is in {@code :ids}
 * @param rows the planner's estimate of the table's rows (-1 before its first {@code ANALYZE})
 */
record StateTableSql(
    String table,
    String create,
    String addStateVersion,
    String load,
    String write,
    String jsonView,
    String createJsonView,
    String expired,
    String expiredAfter,
    String delete,
    String rows) {
  /** PostgreSQL keeps 63 bytes of an identifier; lower case so quoting never changes the name. */
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  /** What the JSON view's name adds to the table's: {@value}. */
  static final String JSON_VIEW_SUFFIX = "_json";

  /** The statements of table {@code name}; throws if the name is not a safe identifier. */
  static StateTableSql of(String name) {
    if (name == null || !IDENTIFIER.matcher(name).matches()) {
      throw FlowDefinitionException.of(
          "state table",
          name,
          "is not a safe SQL identifier",
          "use 1 to 63 of [a-z0-9_], starting with a letter");
    }
    String table = '"' + name + '"';
    String view = name.length() + JSON_VIEW_SUFFIX.length() <= 63 ? name + JSON_VIEW_SUFFIX : null;
    return new StateTableSql(
        table,
        create(table),
        addStateVersion(table),
        load(table),
        write(table),
        view,
        view == null ? null : createJsonView(table, '"' + view + '"'),
        expired(table, ""),
        expired(table, " AND id > :after"),
        "DELETE FROM " + table + " WHERE id = ANY(:ids)",
        "SELECT coalesce((SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(:table)),"
            + " -1)");
  }

  /*
   * FOR UPDATE SKIP LOCKED locks the rows returned (the limit counts only those) and passes over
   * rows a batch's write holds, so the purge never waits for a batch; a batch waits at most for
   * one purge transaction.
   */
  private static String expired(String table, String after) {
    return "SELECT id, progress FROM "
        + table
        + " WHERE updated_at <= now() - make_interval(secs => :seconds)"
        + after
        + " ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED";
  }

  /**
   * The states as {@code jsonb}, for ad-hoc queries: only what a user stored (no progress, pending
   * outputs or row version), deleted states left out. JSON states only: other formats fail the
   * query that reads them.
   */
  private static String createJsonView(String table, String view) {
    return "CREATE OR REPLACE VIEW "
        + view
        + " AS SELECT id, convert_from(state, 'UTF8')::jsonb AS state, state_version, updated_at"
        + " FROM "
        + table
        + " WHERE state IS NOT NULL";
  }

  private static String create(String table) {
    return """
        CREATE TABLE IF NOT EXISTS %s (
          id text PRIMARY KEY,
          state bytea,
          state_version integer NOT NULL DEFAULT 1,
          progress bytea NOT NULL,
          results bytea,
          version bigint NOT NULL,
          created_at timestamptz NOT NULL DEFAULT now(),
          updated_at timestamptz NOT NULL DEFAULT now())
        """
        .formatted(table);
  }

  /**
   * Adds {@code state_version} to a table created before state format versions existed (its rows
   * are version 1); PostgreSQL adds a column with a constant default without rewriting the table.
   */
  private static String addStateVersion(String table) {
    return "ALTER TABLE "
        + table
        + " ADD COLUMN IF NOT EXISTS state_version integer NOT NULL DEFAULT 1";
  }

  private static String load(String table) {
    return "SELECT id, state, state_version, progress, results, version FROM "
        + table
        + " WHERE id = ANY(:ids)";
  }

  /*
   * The CTE names are quoted and capitalised so that no valid (lower-case) table name can shadow
   * them. New rows (version 1) take the INSERT branch, whose conflict means the row exists, so it
   * does nothing; later versions take the UPDATE branch, which matches only a stored row at
   * version - 1. A row in neither branch's RETURNING is a conflict.
   */
  private static String write(String table) {
    return """
        WITH "Batch" AS (
          SELECT * FROM unnest(:ids::text[], :states::bytea[], :stateVersions::integer[], :progress::bytea[], :results::bytea[], :versions::bigint[])
            AS b (id, state, state_version, progress, results, version)
        ), "Inserted" AS (
          INSERT INTO %1$s AS t (id, state, state_version, progress, results, version)
          SELECT id, state, state_version, progress, results, version FROM "Batch" WHERE version = 1
          ON CONFLICT (id) DO NOTHING
          RETURNING t.id
        ), "Updated" AS (
          UPDATE %1$s AS t
          SET state = b.state, state_version = b.state_version, progress = b.progress, results = b.results, version = b.version, updated_at = now()
          FROM "Batch" AS b
          WHERE t.id = b.id AND b.version > 1 AND t.version = b.version - 1
          RETURNING t.id
        )
        SELECT id FROM "Inserted" UNION ALL SELECT id FROM "Updated"
        """
        .formatted(table);
  }
}
