package dev.flows.postgres.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Writes rows so that those the database refuses for their own data are set apart and every other
 * row is written. All rows go in one transaction first; if the database refuses their data (a
 * record-data error, see {@link SqlErrors}), that transaction is rolled back, the rows are split in
 * halves, each half is written in its own transaction, and so on into each failing half until every
 * refused row stands alone. A batch with nothing refused costs one transaction, as before; {@code
 * k} refused rows of {@code n} cost about {@code 2 k log2(n)} more.
 *
 * <p>Any other failure propagates at once. Halves committed before it stay committed, so the
 * caller's writes must be idempotent (the offset guard of a versioned table, or rewriting the same
 * values) and its caller retries the whole write. Thread-safe if the transaction function is.
 *
 * <p>Reuse is one line: {@code new BisectingWriter<>(SqlErrors.standard(), part ->
 * jdbi.useTransaction(h -> write(h, part)))}.
 *
 * @param <R> the row type
 */
public final class BisectingWriter<R> {
  /**
   * A row the database refused.
   *
   * @param row the row, as given
   * @param reason the database's message (see {@link SqlErrors#reason})
   */
  public record Refused<R>(R row, String reason) {}

  private final SqlErrors errors;
  private final Consumer<? super List<R>> inOneTransaction;

  /**
   * A writer that classifies failures with {@code errors} and writes a list of rows with {@code
   * inOneTransaction}, which must write all of them in one transaction or throw (rolled back).
   */
  public BisectingWriter(SqlErrors errors, Consumer<? super List<R>> inOneTransaction) {
    this.errors = Objects.requireNonNull(errors, "errors");
    this.inOneTransaction = Objects.requireNonNull(inOneTransaction, "inOneTransaction");
  }

  /**
   * Writes {@code rows} and returns those refused for their data, in the order given; every other
   * row is committed. Throws what {@code inOneTransaction} throws for anything but a record-data
   * error.
   */
  public List<Refused<R>> write(List<R> rows) {
    List<Refused<R>> refused = new ArrayList<>();
    write(rows, refused);
    return refused;
  }

  private void write(List<R> rows, List<Refused<R>> refused) {
    if (rows.isEmpty()) {
      return;
    }
    try {
      inOneTransaction.accept(Collections.unmodifiableList(rows));
    } catch (RuntimeException e) {
      if (!errors.isRecordError(e)) {
        throw e;
      }
      if (rows.size() == 1) {
        refused.add(new Refused<>(rows.get(0), SqlErrors.reason(e)));
        return;
      }
      int half = rows.size() / 2;
      write(rows.subList(0, half), refused);
      write(rows.subList(half, rows.size()), refused);
    }
  }
}
