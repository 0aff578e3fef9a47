package dev.flows;

import dev.flows.format.Format;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The keyed state of a stateful flow: its name, how it is stored and its value for a new key. The
 * state table is {@code flows_<name>_state} unless {@link #withTable(String)} names another.
 *
 * <p><b>Format versions.</b> Each row stores the version of the format its state was written in. A
 * spec made by {@link #of} is version 1; {@link #upgradedFrom} makes the next version of an older
 * spec, with a function that converts its states. Rows of an older version are decoded with their
 * own format, upgraded step by step when a record reaches them, and written back in this format; a
 * row of a newer version than this spec (written by a newer build) fails its batch, which is
 * retried, so a rolling deployment never loses it.
 *
 * <pre>{@code
 * StateSpec<CountV1> V1 = StateSpec.of("count", json(CountV1.class), CountV1::new);
 * StateSpec<Count> COUNT = StateSpec.of("count", json(Count.class), Count::new)
 *     .upgradedFrom(V1, old -> new Count(old.n(), Instant.EPOCH));   // version 2
 * }</pre>
 *
 * @param name a lower-case identifier, e.g. {@code count}
 * @param format how the state is encoded in the store
 * @param initial the state of a key seen for the first time
 * @param table the state table name
 * @param upgrade how states of the previous version become states of this one, {@code null} for
 *     version 1
 * @param cacheRows how many rows each instance keeps in memory, least recently used out (0: none)
 * @param retention how long a row may stay unwritten before it is deleted (see {@link
 *     #withRetention}), {@code null} to keep rows for good (the default)
 * @param <S> the state type
 */
public record StateSpec<S>(
    String name,
    Format<S> format,
    Supplier<? extends S> initial,
    String table,
    StateSpec.Upgrade<S> upgrade,
    int cacheRows,
    Duration retention) {
  /** Rows each instance keeps in memory by default: {@value}. */
  public static final int DEFAULT_CACHE_ROWS = 100_000;

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,47}");

  /**
   * How the states of an older spec become states of the next version.
   *
   * @param from the spec of the previous version (its format decodes the stored bytes)
   * @param convert turns a decoded state of {@code from} into a state of this version
   * @param <S> the state type of this version
   */
  public record Upgrade<S>(StateSpec<?> from, Function<Object, ? extends S> convert) {
    /** Validates the parts. */
    public Upgrade {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(convert, "convert");
    }
  }

  /** Validates the name, table and parts. */
  public StateSpec {
    requireIdentifier("state name", name);
    requireIdentifier("state table", table);
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(initial, "initial");
    if (cacheRows < 0) {
      throw FlowDefinitionException.of(
          "cacheRows", cacheRows, "is negative", "use 0 (no cache) or more rows");
    }
    if (retention != null && (retention.isNegative() || retention.isZero())) {
      throw FlowDefinitionException.of(
          "retention",
          retention,
          "is not positive",
          "use a positive duration, e.g. Duration.ofDays(30)");
    }
  }

  /** A state named {@code name}, format version 1, stored in table {@code flows_<name>_state}. */
  public static <S> StateSpec<S> of(String name, Format<S> format, Supplier<? extends S> initial) {
    requireIdentifier("state name", name);
    return new StateSpec<>(
        name, format, initial, "flows_" + name + "_state", null, DEFAULT_CACHE_ROWS, null);
  }

  /** A copy stored in {@code table} (lower-case letters, digits and underscores). */
  public StateSpec<S> withTable(String tableName) {
    return new StateSpec<>(name, format, initial, tableName, upgrade, cacheRows, retention);
  }

  /**
   * A copy that is the next format version of {@code previous}: rows stored by {@code previous} (or
   * any version before it) are decoded with their own format and converted by {@code upgrade} when
   * read. The name, table and initial state are this spec's.
   *
   * @param previous the spec of the version before, e.g. the spec this flow used until now
   * @param upgrade converts one state of {@code previous} into a state of this spec, never {@code
   *     null}
   * @param <P> the previous state type
   */
  @SuppressWarnings("unchecked")
  public <P> StateSpec<S> upgradedFrom(
      StateSpec<P> previous, Function<? super P, ? extends S> upgrade) {
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(upgrade, "upgrade");
    return new StateSpec<>(
        name,
        format,
        initial,
        table,
        new Upgrade<>(previous, (Function<Object, S>) upgrade),
        cacheRows,
        retention);
  }

  /**
   * A copy whose instances each keep up to {@code rows} rows in memory (0: none), so a hot key
   * costs no read; the version check on write keeps a stale row harmless. Bigger for many hot keys,
   * smaller for a small heap.
   */
  public StateSpec<S> withCacheRows(int rows) {
    return new StateSpec<>(name, format, initial, table, upgrade, rows, retention);
  }

  /**
   * A copy whose rows are deleted once nothing wrote them for {@code after} and every record they
   * applied is behind the flow's committed offsets, so no replay reaches them again; a key seen
   * again later starts from the initial state. Deleted in the background, in bounded batches, never
   * while a batch writes the row (docs/semantics.md, "State retention"). Without it rows are kept
   * for good.
   *
   * @param after how long a row stays after its last write, positive
   */
  public StateSpec<S> withRetention(Duration after) {
    Objects.requireNonNull(after, "after");
    return new StateSpec<>(name, format, initial, table, upgrade, cacheRows, after);
  }

  /** The format version: 1, or one more than the spec this one was upgraded from. */
  public int version() {
    return upgrade == null ? 1 : upgrade.from().version() + 1;
  }

  private static void requireIdentifier(String setting, String value) {
    if (value == null || !IDENTIFIER.matcher(value).matches()) {
      throw FlowDefinitionException.of(
          setting,
          value,
          "is not a safe SQL identifier",
          "use 1 to 48 of [a-z0-9_], starting with a letter");
    }
  }
}
