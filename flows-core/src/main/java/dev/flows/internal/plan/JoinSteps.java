package dev.flows.internal.plan;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowName;
import dev.flows.FlowOptions;
import dev.flows.Join;
import dev.flows.StateSpec;
import dev.flows.Topic;
import dev.flows.dsl.JoinBuilder;
import dev.flows.dsl.JoinSources;
import dev.flows.dsl.JoinState;
import dev.flows.dsl.JoinVia;
import dev.flows.dsl.KeyValueMapper;
import dev.flows.dsl.StateFunction;
import dev.flows.format.Formats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The immutable steps of a join chain, and the two plans it ends in. */
public final class JoinSteps {
  /** The suffix of the merge step's name: {@value}. */
  public static final String MERGE_SUFFIX = "-merge";

  private JoinSteps() {}

  /** The start of a join for a validated name. */
  public static JoinBuilder start(String name, FlowOptions options) {
    FlowName.validate(name + MERGE_SUFFIX);
    return intermediate ->
        new Via(name, options, Topic.topic(intermediate, Formats.string(), Formats.bytes()));
  }

  private record Via(String name, FlowOptions options, Topic<String, byte[]> intermediate)
      implements JoinVia {
    @Override
    public <S> JoinState<S> state(StateSpec<S> spec) {
      Objects.requireNonNull(spec, "state");
      return new First<>(new Sources<>(this, spec, Map.of()));
    }
  }

  private record First<S>(Sources<S, ?> empty) implements JoinState<S> {
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <K, V, O> JoinSources<S, O> on(
        Topic<K, V> topic,
        KeyValueMapper<? super K, ? super V, String> stateKey,
        StateFunction<? super K, ? super V, S, O> function) {
      return (JoinSources<S, O>) (JoinSources) empty.add(topic, stateKey, function);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private record Sources<S, O>(Via via, StateSpec<?> state, Map<String, JoinInputs.Source> sources)
      implements JoinSources<S, O> {

    @Override
    public <K, V> JoinSources<S, O> on(
        Topic<K, V> topic,
        KeyValueMapper<? super K, ? super V, String> stateKey,
        StateFunction<? super K, ? super V, S, O> function) {
      return add(topic, stateKey, function);
    }

    private Sources<S, O> add(
        Topic<?, ?> topic,
        KeyValueMapper<?, ?, String> stateKey,
        StateFunction<?, ?, ?, ?> function) {
      Objects.requireNonNull(topic, "topic");
      if (sources.containsKey(topic.name()) || topic.name().equals(via.intermediate().name())) {
        throw FlowDefinitionException.of(
            "join source",
            topic.name(),
            "is joined twice or is the intermediate topic",
            "join each source topic once");
      }
      Map<String, JoinInputs.Source> more = new LinkedHashMap<>(sources);
      more.put(
          topic.name(),
          new JoinInputs.Source(
              topic,
              (KeyValueMapper) Objects.requireNonNull(stateKey, "stateKey"),
              StateCall.of(Objects.requireNonNull(function, "function"))));
      return new Sources<>(via, state, more);
    }

    @Override
    public Join to(Topic<String, O> topic) {
      Objects.requireNonNull(topic, "topic");
      List<Topic<?, ?>> inputs =
          sources.values().stream().<Topic<?, ?>>map(JoinInputs.Source::topic).toList();
      // Sequential merge: parallel key lanes could write two records of one source partition that
      // share a
      // persistence id (different source keys) out of offset order, and the stateful step would
      // then take
      // the earlier one for a replay (offset <= progress) and skip it. Wrapping records is cheap
      // anyway.
      Draft draft =
          new Draft(
              via.name() + MERGE_SUFFIX, via.options().withConcurrency(1), inputs, null, List.of());
      StatelessPlan merge =
          new StatelessPlan(
              draft, new Terminal(mergeNode(), List.of(via.intermediate())), via.name());
      StatefulPlan apply =
          new StatefulPlan(
              via.name(),
              via.options(),
              List.of(via.intermediate()),
              new JoinInputs(sources),
              "apply by source topic " + sources.keySet(),
              state,
              List.of(topic),
              null,
              StatefulPlan.Steps.NONE);
      return new Plans(merge, apply);
    }

    /** Wraps the raw source record in an envelope keyed by its persistence id. */
    private Node mergeNode() {
      String intermediate = via.intermediate().name();
      return (scope, record) -> {
        String id =
            sources.get(scope.source().topic()).stateKey().apply(record.key(), record.value());
        if (id == null) {
          throw new IllegalArgumentException("the state key of a join record must not be null");
        }
        scope.emit(
            intermediate,
            Codec.encode(Formats.string(), id),
            Envelope.encode(scope.source()),
            record.headers(),
            record.timestamp());
      };
    }
  }

  private record Plans(Flow merge, Flow apply) implements Join {}
}
