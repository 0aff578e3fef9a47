package dev.flows.join;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Join;
import dev.flows.Message;
import dev.flows.StateUpdate;
import dev.flows.internal.plan.Envelope;
import dev.flows.testing.FlowTestDriver;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * docs/semantics.md, Join: the stateful step of a join dedupes by the source coordinates in the
 * envelope, not by the intermediate topic's: a record the merge step wrote again (a replayed merge
 * step) lands at a new intermediate offset and is still applied once.
 */
class JoinDedupeTest {

  @Test
  void shouldApplyEachSourceRecordOnceWhenTheMergeStepReplaysAWholeRange() {
    try (FlowTestDriver driver = FlowTestDriver.of(JoinFlowTest.join().flows())) {
      driver.input(JoinFlowTest.WORD_TYPE).pipe("apple", "fruit");
      for (int i = 0; i < 3; i++) {
        driver.input(JoinFlowTest.WORD).pipe("apple", "apple");
      }
      List<Message<String, byte[]>> merged = driver.output(JoinFlowTest.INTERMEDIATE).readAll();

      for (Message<String, byte[]> again :
          merged) { // the replayed merge step writes everything again
        driver.input(JoinFlowTest.INTERMEDIATE).pipe(again.key(), again.value());
      }

      assertEquals(
          Optional.of(new JoinFlowTest.WordState(3, "fruit")),
          driver.state(JoinFlowTest.STATE, "apple"));
      List<Message<String, byte[]>> all = driver.output(JoinFlowTest.INTERMEDIATE).readAll();
      assertEquals(4, all.size(), "the duplicates have intermediate offsets of their own");
      assertEquals(
          Envelope.decode(merged.get(1).value()).offset(),
          Envelope.decode(all.get(1).value()).offset(),
          "a duplicate carries the source offset of its original");
    }
  }

  @Test
  void shouldMergeSequentiallyWhenTheJoinIsBuilt() {
    Join join =
        Flows.join("test-word-join-sequential", FlowOptions.defaults().withMaxRecords(50))
            .through("word-join-sequential-intermediate")
            .state(JoinFlowTest.STATE)
            .on(
                JoinFlowTest.WORD,
                (k, v) -> v,
                (k, v, s) -> StateUpdate.set(s, s.count() + " " + s.description()))
            .to(JoinFlowTest.JOINED);

    assertEquals(
        1,
        join.merge().options().concurrency(),
        "parallel lanes could reorder one source partition's records");
    assertEquals(50, join.merge().options().maxRecords());
    assertEquals(1, join.apply().options().concurrency());
  }
}
