package dev.flows.postgres.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.postgres.internal.BisectingWriter.Refused;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BisectingWriterTest {
  private final List<List<Integer>> transactions = new ArrayList<>();
  private final List<Integer> committed = new ArrayList<>();

  @Test
  void shouldWriteEveryRowInOneTransactionWhenNothingIsRefused() {
    List<Refused<Integer>> refused = writer(rows -> false, rows -> false).write(rows(10));

    assertEquals(List.of(), refused);
    assertEquals(List.of(rows(10)), transactions);
    assertEquals(rows(10), committed);
  }

  @Test
  void shouldRefuseOnlyThePoisonAndCommitEveryOtherRowOnceWhenSomeRowsAreRefused() {
    Set<Integer> poison = Set.of(3, 50, 99);

    List<Refused<Integer>> refused =
        writer(rows -> rows.stream().anyMatch(poison::contains), rows -> false).write(rows(100));

    assertEquals(
        List.of(3, 50, 99), refused.stream().map(Refused::row).toList(), "in the order given");
    assertEquals("refused (SQLSTATE 22P02)", refused.get(0).reason());
    assertEquals(rows(100).stream().filter(r -> !poison.contains(r)).toList(), committed);
    assertTrue(transactions.size() <= 1 + 2 * 3 * 7, transactions.size() + " transactions");
  }

  @Test
  void shouldRefuseEveryRowAloneWhenEveryRowIsRefused() {
    List<Refused<Integer>> refused = writer(rows -> true, rows -> false).write(rows(5));

    assertEquals(rows(5), refused.stream().map(Refused::row).toList());
    assertEquals(List.of(), committed);
  }

  @Test
  void shouldWriteBothRowsApartWhenOnlyTheirCombinationIsRefused() {
    List<Refused<Integer>> refused =
        writer(rows -> rows.contains(1) && rows.contains(6), rows -> false).write(rows(8));

    assertEquals(List.of(), refused);
    assertEquals(Set.copyOf(rows(8)), Set.copyOf(committed));
  }

  @Test
  void shouldThrowAtOnceWhenTheFirstFailureIsNotTheData() {
    BisectingWriter<Integer> writer = writer(rows -> false, rows -> true);

    RuntimeException e = assertThrows(RuntimeException.class, () -> writer.write(rows(10)));

    assertEquals("08006", SqlErrors.sqlState(e).orElseThrow());
    assertEquals(1, transactions.size(), "no bisection");
    assertEquals(List.of(), committed);
  }

  @Test
  void shouldStopBisectingAndThrowWhenTheDatabaseFailsMidWay() {
    RuntimeException failure = new RuntimeException("lost", new SQLException("lost", "08006"));
    BisectingWriter<Integer> writer =
        new BisectingWriter<>(
            SqlErrors.standard(),
            rows -> {
              transactions.add(List.copyOf(rows));
              if (rows.contains(1)) {
                throw error("22P02");
              }
              if (rows.contains(8)) {
                throw failure;
              }
              committed.addAll(rows);
            });

    assertSame(failure, assertThrows(RuntimeException.class, () -> writer.write(rows(10))));
    assertEquals(List.of(0, 2, 3, 4), committed, "halves written before the failure stay");
  }

  /** A writer whose transactions fail with 22P02 or 08006 when the predicates say so. */
  private BisectingWriter<Integer> writer(
      Predicate<List<Integer>> refuses, Predicate<List<Integer>> breaks) {
    return new BisectingWriter<>(
        SqlErrors.standard(),
        rows -> {
          transactions.add(List.copyOf(rows));
          if (refuses.test(rows)) {
            throw error("22P02");
          }
          if (breaks.test(rows)) {
            throw error("08006");
          }
          committed.addAll(rows);
        });
  }

  private static RuntimeException error(String state) {
    return new RuntimeException("statement failed", new SQLException("refused", state));
  }

  private static List<Integer> rows(int count) {
    return IntStream.range(0, count).boxed().toList();
  }
}
