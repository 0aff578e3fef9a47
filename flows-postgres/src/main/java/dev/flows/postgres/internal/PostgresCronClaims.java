package dev.flows.postgres.internal;

import dev.flows.spi.CronClaims;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Jdbi;

/**
 * Cron claims in table {@value #TABLE}, one row per (flow, tick), created on first use. A claim is
 * an {@code INSERT ... ON CONFLICT DO NOTHING}: only the insert that took effect wins, so replicas
 * on one database fire each tick once. Each claim also deletes up to {@value #PURGE_BATCH} of the
 * flow's rows older than {@link CronClaims#KEPT} before the tick, so the table stays at about a day
 * of ticks per flow. Thread-safe.
 */
public final class PostgresCronClaims implements CronClaims {
  /** The table: {@value}. */
  public static final String TABLE = "flows_cron_ticks";

  /** Most rows one claim deletes: {@value}. */
  public static final int PURGE_BATCH = 1000;

  private static final String CREATE =
      """
      CREATE TABLE IF NOT EXISTS flows_cron_ticks (
        flow text NOT NULL,
        tick timestamptz NOT NULL,
        claimed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (flow, tick))
      """;

  private static final String INSERT =
      "INSERT INTO flows_cron_ticks (flow, tick) VALUES (:flow, :tick) ON CONFLICT DO NOTHING";

  private static final String PURGE =
      """
      DELETE FROM flows_cron_ticks WHERE (flow, tick) IN (
        SELECT flow, tick FROM flows_cron_ticks WHERE flow = :flow AND tick < :oldest
        ORDER BY tick LIMIT :batch)
      """;

  private final Jdbi jdbi;
  private volatile boolean created;

  /** Claims in the database of {@code jdbi}. */
  public PostgresCronClaims(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public boolean claim(String flow, Instant tick) {
    createOnce();
    return Databases.call(
        "cron claims " + TABLE,
        "claim tick " + tick + " of " + flow,
        () ->
            jdbi.withHandle(
                handle -> {
                  handle
                      .createUpdate(PURGE)
                      .bind("flow", flow)
                      .bind("oldest", utc(tick.minus(KEPT)))
                      .bind("batch", PURGE_BATCH)
                      .execute();
                  return handle
                          .createUpdate(INSERT)
                          .bind("flow", flow)
                          .bind("tick", utc(tick))
                          .execute()
                      == 1;
                }));
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }

  private void createOnce() {
    if (!created) {
      Databases.createTable(jdbi, "cron claims " + TABLE, CREATE);
      created = true;
    }
  }
}
