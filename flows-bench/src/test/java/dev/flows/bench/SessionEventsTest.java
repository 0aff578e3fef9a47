package dev.flows.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * The sessions scenario's input: bursts apart by more than the gap, records in their burst, closing
 * times away from every record, and the same final sessions under Kafka Streams' rules and Flows'.
 */
class SessionEventsTest {
  static final int COUNT = 100_000;
  static final SessionEvents EVENTS = SessionEvents.endingAt(1_800_000_000_000L, COUNT);
  static final long GAP = SessionScenario.GAP.toMillis();
  static final long GRACE = SessionScenario.GRACE.toMillis();
  static final long MARGIN = SessionEvents.CLOSE_MARGIN_MILLIS;

  @Test
  void shouldKeepBurstsShorterThanTheGapAndSilencesLongerThanItAndClosesInTheSilences() {
    long burst = SessionEvents.BURST_MILLIS;
    long silence = SessionEvents.PERIOD_MILLIS - burst;
    assertTrue(burst - 1 + MARGIN <= GAP, "two records of a burst are less than the gap apart");
    assertTrue(silence + 1 >= GAP + MARGIN, "records of two bursts are more than the gap apart");
    assertTrue(GAP + GRACE >= burst - 1 + MARGIN, "a burst's sessions close after it ends");
    assertTrue(
        burst - 1 + GAP + GRACE + MARGIN <= SessionEvents.PERIOD_MILLIS,
        "a burst's sessions close before the next burst starts");
  }

  @Test
  void shouldPutEveryRecordInItsBurstAndAboutOneInTenOutOfOrder() {
    for (int i = 0; i < COUNT; i++) {
      long burstStart = EVENTS.startMillis() + SessionEvents.burst(i) * SessionEvents.PERIOD_MILLIS;
      long inOrder =
          burstStart + (i % SessionEvents.RECORDS_PER_BURST) / WordEvents.RECORDS_PER_MILLI;
      long t = EVENTS.timestamp(i);
      if (t < burstStart || t > inOrder || t >= burstStart + SessionEvents.BURST_MILLIS) {
        fail("record " + i + " at " + t);
      }
    }
    long outOfOrder =
        IntStream.range(1, COUNT)
            .filter(i -> EVENTS.timestamp(i) < EVENTS.timestamp(i - 1))
            .count();
    assertTrue(outOfOrder > COUNT / 14 && outOfOrder < COUNT / 8, outOfOrder + " out of order");
  }

  @Test
  void shouldKeepEveryRecordAMarginAwayFromEveryClosingTime() {
    int bursts = SessionEvents.burst(COUNT - 1) + 1;
    for (int i = 0; i < COUNT; i++) {
      long t = EVENTS.timestamp(i);
      for (int n = 0; n < bursts; n++) {
        long start = EVENTS.startMillis() + n * SessionEvents.PERIOD_MILLIS;
        long firstClose = start + GAP + GRACE;
        long lastClose = start + SessionEvents.BURST_MILLIS - 1 + GAP + GRACE;
        if (t > firstClose - MARGIN && t < lastClose + MARGIN) {
          fail("record " + i + " at " + t + " near the closing of burst " + n);
        }
      }
    }
  }

  @Test
  void shouldCloseTheSameSessionsUnderKafkaStreamsRulesAndFlowsRules() {
    long expected = SessionEvents.closedSessions(COUNT);
    int bursts = SessionEvents.burst(COUNT - 1) + 1;
    assertEquals(20, bursts);
    assertTrue(expected > 19 * 980 && expected <= 19 * WordEvents.VOCABULARY, "" + expected);
    assertEquals(expected, closed(true));
    assertEquals(expected, closed(false));
  }

  @Test
  void shouldGiveTheSameRecordWhenAskedAgainAndEndAtNow() {
    SessionEvents again = new SessionEvents(EVENTS.startMillis());
    for (int i : new int[] {0, 1, 4_242, COUNT - 1}) {
      assertEquals(EVENTS.word(i), again.word(i));
      assertEquals(EVENTS.timestamp(i), again.timestamp(i));
    }
    assertEquals(
        1_800_000_000_000L,
        EVENTS.startMillis()
            + SessionEvents.burst(COUNT - 1) * SessionEvents.PERIOD_MILLIS
            + SessionEvents.BURST_MILLIS);
  }

  /** A session of one key: first and last event time. */
  private static final class Session {
    long start;
    long last;

    Session(long start, long last) {
      this.start = start;
      this.last = last;
    }
  }

  /**
   * The sessions closed by the end of the input, on {@link SessionScenario#PARTITIONS} partitions
   * keyed as the producer's default partitioner does, each with its own stream time: with Kafka
   * Streams' rules ({@code inclusive}: a record joins a session it is at most the gap from, and one
   * is late when its merged session ends before stream time - gap - grace) or Flows' (less than the
   * gap; late when {@code t + gap + grace <= stream time}). Both close a session when {@code last +
   * gap + grace <= stream time}. Fails on a late record.
   */
  private static long closed(boolean inclusive) {
    int partitions = SessionScenario.PARTITIONS;
    long[] streamTime = new long[partitions];
    long[] nextClose = new long[partitions];
    Arrays.fill(streamTime, Long.MIN_VALUE);
    Arrays.fill(nextClose, Long.MAX_VALUE);
    List<Map<String, List<Session>>> open = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      open.add(new HashMap<>());
    }
    long closed = 0;
    for (int i = 0; i < COUNT; i++) {
      String word = EVENTS.word(i);
      long t = EVENTS.timestamp(i);
      byte[] key = word.getBytes(StandardCharsets.UTF_8);
      int p = Utils.toPositive(Utils.murmur2(key)) % partitions;
      long now = Math.max(streamTime[p], t);
      streamTime[p] = now;
      if (nextClose[p] <= now) { // some session closes: close them all, find the next
        nextClose[p] = Long.MAX_VALUE;
        for (List<Session> sessions : open.get(p).values()) {
          int before = sessions.size();
          sessions.removeIf(s -> s.last + GAP + GRACE <= now);
          closed += before - sessions.size();
          for (Session s : sessions) {
            nextClose[p] = Math.min(nextClose[p], s.last + GAP + GRACE);
          }
        }
      }
      if (t + GAP + GRACE <= now) {
        fail("record " + i + " is late");
      }
      List<Session> sessions = open.get(p).computeIfAbsent(word, w -> new ArrayList<>());
      Session joined = new Session(t, t);
      for (var it = sessions.iterator(); it.hasNext(); ) {
        Session s = it.next();
        boolean joins =
            inclusive
                ? s.start - GAP <= t && t <= s.last + GAP
                : s.start - GAP < t && t < s.last + GAP;
        if (joins) {
          joined.start = Math.min(joined.start, s.start);
          joined.last = Math.max(joined.last, s.last);
          it.remove();
        }
      }
      if (joined.last + GAP + GRACE <= now) {
        fail("record " + i + " joins a closed session");
      }
      sessions.add(joined);
      nextClose[p] = Math.min(nextClose[p], joined.last + GAP + GRACE);
    }
    return closed;
  }
}
