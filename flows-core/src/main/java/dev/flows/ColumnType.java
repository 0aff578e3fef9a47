package dev.flows;

import java.time.Instant;

/**
 * The SQL types a {@linkplain TableSpec materialised table}'s columns may have, and the Java type a
 * {@link Row} must hold for each. A value of another Java type fails its record (dead letter), so a
 * mapping mistake never writes a half-converted row.
 */
public enum ColumnType {
  /** {@code text}: a {@link String}. */
  TEXT("text", String.class),
  /** {@code bigint}: a {@link Long}. */
  BIGINT("bigint", Long.class),
  /** {@code integer}: an {@link Integer}. */
  INTEGER("integer", Integer.class),
  /** {@code double precision}: a {@link Double}. */
  DOUBLE("double precision", Double.class),
  /** {@code boolean}: a {@link Boolean}. */
  BOOLEAN("boolean", Boolean.class),
  /** {@code bytea}: a {@code byte[]}. */
  BYTEA("bytea", byte[].class),
  /** {@code timestamptz}: an {@link Instant}. */
  TIMESTAMPTZ("timestamptz", Instant.class),
  /** {@code jsonb}: a {@link String} holding JSON text. */
  JSONB("jsonb", String.class);

  private final String sql;
  private final Class<?> javaType;

  ColumnType(String sql, Class<?> javaType) {
    this.sql = sql;
    this.javaType = javaType;
  }

  /** The type as SQL spells it, e.g. {@code double precision}. */
  public String sql() {
    return sql;
  }

  /** The Java type a row value of this column must have ({@code null} is always allowed). */
  public Class<?> javaType() {
    return javaType;
  }

  /**
   * Whether {@code value} may be stored in a column of this type: {@code null} or of {@link
   * #javaType()}.
   */
  public boolean accepts(Object value) {
    return value == null || javaType.isInstance(value);
  }
}
