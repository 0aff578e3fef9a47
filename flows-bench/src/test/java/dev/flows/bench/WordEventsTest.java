package dev.flows.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The windowed scenario's input: out of order within the grace, every word, repeatable. */
class WordEventsTest {
  static final int COUNT = 100_000;
  static final WordEvents EVENTS = WordEvents.endingAt(1_800_000_000_000L, COUNT);

  @Test
  void shouldMakeNoRecordLateWhenEachIsBehindItsPredecessorsByLessThanTheGrace() {
    long streamTime = EVENTS.timestamp(0);
    for (int i = 1; i < COUNT; i++) {
      long timestamp = EVENTS.timestamp(i);
      assertTrue(
          timestamp > streamTime - WindowedScenario.GRACE.toMillis(),
          "record " + i + " at " + timestamp + " is late after stream time " + streamTime);
      streamTime = Math.max(streamTime, timestamp);
    }
    assertTrue(WordEvents.MAX_DELAY_MILLIS < WindowedScenario.GRACE.toMillis());
  }

  @Test
  void shouldPutAboutOneRecordInTenOutOfOrderWhenFiveShareAMillisecond() {
    long outOfOrder =
        IntStream.range(1, COUNT)
            .filter(i -> EVENTS.timestamp(i) < EVENTS.timestamp(i - 1))
            .count();
    assertTrue(outOfOrder > COUNT / 12 && outOfOrder < COUNT / 8, outOfOrder + " out of order");
    for (int i = 0; i < COUNT; i++) {
      long delay = EVENTS.startMillis() + i / WordEvents.RECORDS_PER_MILLI - EVENTS.timestamp(i);
      assertTrue(delay >= 0 && delay <= WordEvents.MAX_DELAY_MILLIS, "record " + i + ": " + delay);
    }
  }

  @Test
  void shouldDrawEveryWordOfTheVocabularyWhenGivenManyRecords() {
    Set<String> words = new HashSet<>();
    IntStream.range(0, COUNT).forEach(i -> words.add(EVENTS.word(i)));
    assertEquals(WordEvents.VOCABULARY, words.size());
    assertEquals("kakaka", WordEvents.vocabularyWord(0));
    assertEquals("pazepa", WordEvents.vocabularyWord(989));
  }

  @Test
  void shouldGiveTheSameRecordWhenAskedAgain() {
    WordEvents again = new WordEvents(EVENTS.startMillis());
    for (int i : new int[] {0, 1, 4_242, COUNT - 1}) {
      assertEquals(EVENTS.word(i), again.word(i));
      assertEquals(EVENTS.timestamp(i), again.timestamp(i));
    }
  }

  @Test
  void shouldEndAtNowWhenMadeForACount() {
    assertEquals(1_800_000_000_000L, EVENTS.startMillis() + COUNT / WordEvents.RECORDS_PER_MILLI);
  }
}
