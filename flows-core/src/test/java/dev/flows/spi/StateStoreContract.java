package dev.flows.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.StateSpec;
import dev.flows.format.Formats;
import dev.flows.state.StateReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link StateStore} passes: the in-memory one in flows-core and PostgreSQL in
 * flows-postgres. Extend it and return a fresh store.
 */
public abstract class StateStoreContract {
  private static final Instant TICK = Instant.parse("2026-01-01T00:00:00Z");
  private StateStore store;
  private String tableName;
  private StateTable table;

  /** A store for one test; closed after it. */
  protected abstract StateStore newStore();

  @BeforeEach
  void open() {
    store = newStore();
    tableName = "contract_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    table = store.table(tableName);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void shouldLoadNothingWhenRowsAreAbsent() {
    assertTrue(table.load(List.of("a", "b")).isEmpty());
  }

  @Test
  void shouldReturnWrittenBytesWhenLoaded() {
    assertEquals(
        WriteResult.ALL_WRITTEN, table.write(List.of(row("a", "s1", 1), row("b", null, 1))));

    Map<String, StateRow> rows = table.load(List.of("a", "b", "c"));

    assertEquals(Set.of("a", "b"), rows.keySet());
    assertArrayEquals(bytes("s1"), rows.get("a").state());
    assertArrayEquals(bytes("p-a"), rows.get("a").progress());
    assertArrayEquals(bytes("r-a"), rows.get("a").results());
    assertEquals(1, rows.get("a").version());
    assertNull(rows.get("b").state());
  }

  @Test
  void shouldFindTheStoredStatesWhenAReaderLooksThemUp() {
    StateReader<String> reader = store.reader(stringState());
    table.write(List.of(row("a", "s1", 1), row("b", "s2", 1), row("gone", null, 1)));

    assertEquals(Optional.of("s1"), reader.find("a"));
    assertEquals(Optional.empty(), reader.find("gone"), "a deleted state");
    assertEquals(Optional.empty(), reader.find("never"));
    assertEquals(Map.of("a", "s1", "b", "s2"), reader.findAll(List.of("a", "b", "gone", "never")));
    assertEquals(Map.of(), reader.findAll(List.of()));
  }

  @Test
  void shouldUpgradeAnOlderStateWhenAReaderDecodesIt() {
    table.write(List.of(row("a", "7", 1)));
    StateSpec<String> second = stringState().upgradedFrom(stringState(), n -> "n=" + n);

    assertEquals(Optional.of("n=7"), store.reader(second).find("a"));
  }

  @Test
  void shouldWriteNextVersionWhenVersionFollowsStored() {
    table.write(List.of(row("a", "s1", 1)));

    assertEquals(WriteResult.ALL_WRITTEN, table.write(List.of(row("a", "s2", 2))));

    assertArrayEquals(bytes("s2"), table.load(List.of("a")).get("a").state());
    assertEquals(2, table.load(List.of("a")).get("a").version());
  }

  @Test
  void shouldWriteTheOtherRowsWhenOneRowIsStale() {
    table.write(List.of(row("a", "s1", 1), row("b", "s1", 1)));
    table.write(List.of(row("a", "s2", 2)));

    WriteResult result =
        table.write(List.of(row("a", "stale", 2), row("b", "s2", 2), row("c", "s1", 1)));

    assertEquals(new WriteResult(Set.of("a"), Map.of()), result);
    Map<String, StateRow> rows = table.load(List.of("a", "b", "c"));
    assertArrayEquals(bytes("s2"), rows.get("a").state(), "the stale row must not be written");
    assertArrayEquals(bytes("s2"), rows.get("b").state());
    assertArrayEquals(bytes("s1"), rows.get("c").state());
  }

  @Test
  void shouldKeepTheStateVersionWhenWritten() {
    StateRow row = new StateRow("a", bytes("s1"), 3, bytes("p"), bytes("r"), 1);

    table.write(List.of(row));

    assertEquals(3, table.load(List.of("a")).get("a").stateVersion());
  }

  @Test
  void shouldKeepTheFirstShapeOfATopicWhenFlowsRememberIt() {
    TopicLedger ledger = store.topics();
    String flow = "contract-" + UUID.randomUUID();
    ledger.remember(flow, List.of(TopicShape.of("t1", "id-1", 3)));

    Map<String, TopicShape> recorded =
        ledger.remember(
            flow, List.of(TopicShape.of("t1", "id-2", 6), TopicShape.of("t2", null, 1)));

    assertEquals(
        Map.of("t1", TopicShape.of("t1", "id-1", 3), "t2", TopicShape.of("t2", null, 1)), recorded);
    assertEquals(
        Map.of("t1", TopicShape.of("t1", "id-9", 9)),
        ledger.remember("other-" + flow, List.of(TopicShape.of("t1", "id-9", 9))),
        "each flow has its own record");
  }

  @Test
  void shouldRejectInsertWhenRowAlreadyExists() {
    table.write(List.of(row("a", "s1", 1)));

    assertEquals(
        new WriteResult(Set.of("a"), Map.of()), table.write(List.of(row("a", "other", 1))));
    assertArrayEquals(bytes("s1"), table.load(List.of("a")).get("a").state());
  }

  @Test
  void shouldWriteAndLoadManyRowsWhenInOneBatch() {
    List<StateRow> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      rows.add(row("id-" + i, "s" + i, 1));
      ids.add("id-" + i);
    }

    assertEquals(WriteResult.ALL_WRITTEN, table.write(rows));

    Map<String, StateRow> loaded = table.load(ids);
    assertEquals(2_000, loaded.size());
    assertArrayEquals(bytes("s1999"), loaded.get("id-1999").state());
  }

  @Test
  void shouldLetExactlyOneWriterWinWhenTwoRaceForTheSameVersion() throws Exception {
    table.write(List.of(row("a", "s1", 1)));
    CyclicBarrier start = new CyclicBarrier(2);
    CompletableFuture<WriteResult> first =
        CompletableFuture.supplyAsync(() -> raceWrite(start, "x"));
    CompletableFuture<WriteResult> second =
        CompletableFuture.supplyAsync(() -> raceWrite(start, "y"));

    int winners = (first.get().allWritten() ? 1 : 0) + (second.get().allWritten() ? 1 : 0);

    assertEquals(1, winners);
    assertEquals(2, table.load(List.of("a")).get("a").version());
  }

  @Test
  void shouldKeepTablesApartWhenNamesDiffer() {
    StateTable other =
        store.table(
            "contract_other_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
    table.write(List.of(row("a", "s1", 1)));

    assertTrue(other.load(List.of("a")).isEmpty());
  }

  @Test
  void shouldLetTheFirstClaimOfATickWinWhenItIsClaimedAgain() {
    CronClaims claims = store.cronClaims();
    String flow = uniqueFlow();

    assertTrue(claims.claim(flow, TICK));
    assertFalse(claims.claim(flow, TICK));
    assertTrue(claims.claim(flow, TICK.plusSeconds(1)));
    assertTrue(claims.claim(uniqueFlow(), TICK));
  }

  @Test
  void shouldLetExactlyOneReplicaClaimATickWhenFourRace() throws Exception {
    CronClaims claims = store.cronClaims();
    String flow = uniqueFlow();
    CyclicBarrier start = new CyclicBarrier(4);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    int winners = 0;
    try {
      List<Future<Boolean>> racers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        racers.add(threads.submit(() -> raceClaim(start, claims, flow)));
      }
      for (Future<Boolean> racer : racers) {
        winners += racer.get() ? 1 : 0;
      }
    } finally {
      threads.shutdownNow();
    }

    assertEquals(1, winners);
  }

  @Test
  void shouldForgetClaimsOlderThanADayWhenALaterTickIsClaimed() {
    CronClaims claims = store.cronClaims();
    String flow = uniqueFlow();
    claims.claim(flow, TICK);
    claims.claim(flow, TICK.plus(Duration.ofHours(1)));

    claims.claim(flow, TICK.plus(CronClaims.KEPT).plusSeconds(1));

    assertTrue(claims.claim(flow, TICK), "a tick older than a day is forgotten");
    assertFalse(claims.claim(flow, TICK.plus(Duration.ofHours(1))), "a newer one is kept");
  }

  @Test
  void shouldDeleteTheRowsBehindWhenOlderThanTheRetention() {
    table.write(List.of(row("a", "s", 1), row("b", "s", 1), row("c", "s", 1)));

    RowPurge.Page page = table.purge(purge(Duration.ZERO, id -> !id.equals("b"), 10));

    assertEquals(new RowPurge.Page(2, null), page);
    assertEquals(Set.of("b"), table.load(List.of("a", "b", "c")).keySet());
  }

  @Test
  void shouldKeepTheRowsWhenYoungerThanTheRetention() {
    table.write(List.of(row("a", "s", 1), row("b", "s", 1)));

    RowPurge.Page page = table.purge(purge(Duration.ofDays(1), id -> true, 10));

    assertEquals(RowPurge.Page.END, page);
    assertEquals(Set.of("a", "b"), table.load(List.of("a", "b")).keySet());
  }

  @Test
  void shouldPageThroughTheRowsWhenMoreThanTheLimit() {
    table.write(
        List.of(
            row("a", "s", 1),
            row("b", "s", 1),
            row("c", "s", 1),
            row("d", "s", 1),
            row("e", "s", 1)));
    RowPurge purge = purge(Duration.ZERO, id -> !id.equals("c"), 2);

    RowPurge.Page first = table.purge(purge);
    RowPurge.Page second = table.purge(purge.after(first.last()));
    RowPurge.Page third = table.purge(purge.after(second.last()));

    assertEquals(
        List.of(new RowPurge.Page(2, "b"), new RowPurge.Page(1, "d"), new RowPurge.Page(1, null)),
        List.of(first, second, third));
    assertEquals(Set.of("c"), table.load(List.of("a", "b", "c", "d", "e")).keySet());
  }

  @Test
  void shouldRefuseAWriteOfThePurgedVersionWhenTheRowWasPurged() {
    table.write(List.of(row("a", "s1", 1)));
    table.purge(purge(Duration.ZERO, id -> true, 10));

    WriteResult stale = table.write(List.of(row("a", "s2", 2)));
    WriteResult fresh = table.write(List.of(row("a", "s3", 1)));

    assertEquals(Set.of("a"), stale.conflicts(), "a writer holding the purged row conflicts");
    assertTrue(fresh.allWritten(), "the key starts again at version 1");
    assertArrayEquals(bytes("s3"), table.load(List.of("a")).get("a").state());
  }

  @Test
  void shouldCountTheRowsWhenAsked() {
    table.write(List.of(row("a", "s", 1), row("b", "s", 1), row("c", null, 1)));

    assertEquals(3, table.rows());
  }

  /**
   * A purge of rows older than {@code olderThan} that deletes the ids {@code behind} accepts; it
   * checks that it is given each row's own id and progress (the rows' progress holds their id).
   */
  private static RowPurge purge(
      Duration olderThan, java.util.function.Predicate<String> behind, int limit) {
    return new RowPurge(
        olderThan,
        (id, progress) -> {
          assertEquals(id, new String(progress, StandardCharsets.UTF_8).substring(2), "own row");
          return behind.test(id);
        },
        null,
        limit);
  }

  private static boolean raceClaim(CyclicBarrier start, CronClaims claims, String flow) {
    try {
      start.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return claims.claim(flow, TICK);
  }

  private static String uniqueFlow() {
    return "contract-cron-" + UUID.randomUUID();
  }

  private WriteResult raceWrite(CyclicBarrier start, String state) {
    try {
      start.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return table.write(List.of(row("a", state, 2)));
  }

  /** Text states in this test's table, version 1. */
  private StateSpec<String> stringState() {
    return StateSpec.of("contract", Formats.string(), () -> "").withTable(tableName);
  }

  private static StateRow row(String id, String state, long version) {
    return new StateRow(
        id, state == null ? null : bytes(state), 1, bytes("p-" + id), bytes("r-" + id), version);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
