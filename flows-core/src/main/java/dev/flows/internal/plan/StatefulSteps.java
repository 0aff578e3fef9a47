package dev.flows.internal.plan;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowOptions;
import dev.flows.SessionWindows;
import dev.flows.StateSpec;
import dev.flows.Topic;
import dev.flows.Windowed;
import dev.flows.Windows;
import dev.flows.dsl.KeyValueMapper;
import dev.flows.dsl.MessageStateFunction;
import dev.flows.dsl.OutputRouter;
import dev.flows.dsl.SessionMerger;
import dev.flows.dsl.SessionSource;
import dev.flows.dsl.StateFunction;
import dev.flows.dsl.StatefulBuilder;
import dev.flows.dsl.StatefulOutput;
import dev.flows.dsl.StatefulSource;
import dev.flows.dsl.StatefulState;
import dev.flows.dsl.TimerFunction;
import dev.flows.dsl.TimestampExtractor;
import dev.flows.dsl.TopicRouter;
import dev.flows.dsl.WindowedSource;
import dev.flows.internal.state.KeySessions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The immutable steps of a stateful chain. */
public final class StatefulSteps {
  private StatefulSteps() {}

  /** The start of a stateful chain for a validated name. */
  public static StatefulBuilder start(String name, FlowOptions options) {
    return new StatefulBuilder() {
      @Override
      public <K, V> StatefulSource<K, V> from(Topic<K, V> topic) {
        return new Source<>(
            Parts.source(name, options, List.of(Objects.requireNonNull(topic, "topic")), null));
      }
    };
  }

  /** What the chain collected so far. */
  private record Parts(
      String name,
      FlowOptions options,
      List<Topic<?, ?>> inputs,
      KeyValueMapper<?, ?, String> stateKey,
      StateSpec<?> state,
      StateCall function,
      String label,
      Windowing windowing,
      SessionWindowing sessions,
      TimerCall timers,
      boolean latestPerBatch) {

    /** The parts of a chain's input: its topics and state key, nothing chosen after them. */
    static Parts source(
        String name,
        FlowOptions options,
        List<Topic<?, ?>> inputs,
        KeyValueMapper<?, ?, String> stateKey) {
      return new Parts(name, options, inputs, stateKey, null, null, null, null, null, null, false);
    }

    @SuppressWarnings("unchecked")
    StatefulPlan plan(List<Topic<?, ?>> outputs, TopicRouter<?, ?> router) {
      StatefulInputs reader =
          new DirectInputs(inputs, (KeyValueMapper<Object, Object, String>) stateKey, function);
      return new StatefulPlan(
          name,
          options,
          inputs,
          reader,
          label,
          state,
          outputs,
          router,
          new StatefulPlan.Steps(windowing, sessions, timers, latestPerBatch));
    }

    Parts with(StateCall call, String callLabel, TimerCall timerCall) {
      return new Parts(
          name, options, inputs, stateKey, state, call, callLabel, windowing, sessions, timerCall,
          false);
    }

    Parts with(StateSpec<?> spec) {
      return new Parts(
          name, options, inputs, stateKey, spec, null, null, windowing, sessions, null, false);
    }

    Parts with(Windowing windows) {
      return new Parts(
          name, options, inputs, stateKey, null, null, null, windows, null, null, false);
    }

    Parts with(SessionWindowing windows) {
      return new Parts(
          name, options, inputs, stateKey, null, null, null, null, windows, null, false);
    }

    /**
     * The parts publishing each batch's last output per row, topic and key.
     *
     * @throws FlowDefinitionException on windows or sessions emitting on close
     */
    Parts withLatestPerBatch() {
      if (new StatefulPlan.Steps(windowing, sessions, timers, false).holdsOutputs()) {
        throw FlowDefinitionException.of(
            "emitLatestPerBatch() of " + name,
            "emitOnClose()",
            "cannot be combined with windows emitting on close, which publish one result per"
                + " window already",
            "keep emitOnClose() for final results, or drop it to publish each batch's latest");
      }
      return new Parts(
          name, options, inputs, stateKey, state, function, label, windowing, sessions, timers,
          true);
    }

    /**
     * The parts whose timers are set in wall-clock time.
     *
     * @throws FlowDefinitionException on a flow without timers
     */
    Parts withWallClockTimers() {
      if (timers == null) {
        throw FlowDefinitionException.of(
            "timersOnWallClock() of " + name,
            label + "(function)",
            "is for flows with timers, and this one has none",
            "give the flow a timer function with apply(function, onTimer) or"
                + " applyMessage(function, onTimer)");
      }
      return new Parts(
          name,
          options,
          inputs,
          stateKey,
          state,
          function,
          label,
          windowing,
          sessions,
          timers.onWallClock(),
          latestPerBatch);
    }
  }

  private record Source<K, V>(Parts parts) implements StatefulSource<K, V> {
    @Override
    public StatefulSource<K, V> merge(Topic<K, V> other) {
      Objects.requireNonNull(other, "topic");
      if (parts.inputs().stream().anyMatch(t -> t.name().equals(other.name()))) {
        throw FlowDefinitionException.of(
            "merge",
            other.name(),
            "is already an input of " + parts.name(),
            "merge each topic once");
      }
      List<Topic<?, ?>> inputs = new ArrayList<>(parts.inputs());
      inputs.add(other);
      return new Source<>(Parts.source(parts.name(), parts.options(), inputs, parts.stateKey()));
    }

    @Override
    public StatefulSource<K, V> stateKey(KeyValueMapper<? super K, ? super V, String> id) {
      Objects.requireNonNull(id, "stateKey");
      return new Source<>(Parts.source(parts.name(), parts.options(), parts.inputs(), id));
    }

    @Override
    public <S> StatefulState<K, V, S> state(StateSpec<S> spec) {
      Objects.requireNonNull(spec, "state");
      return new State<>(parts.with(spec));
    }

    @Override
    public WindowedSource<K, V> windowedBy(Windows windows) {
      Objects.requireNonNull(windows, "windows");
      return new WindowedStart<>(parts.with(new Windowing(windows, null)));
    }

    @Override
    public SessionSource<K, V> windowedBy(SessionWindows sessions) {
      Objects.requireNonNull(sessions, "sessions");
      return new SessionStart<>(parts, sessions, null);
    }
  }

  private record SessionStart<K, V>(
      Parts parts, SessionWindows sessions, TimestampExtractor<Object, Object> extractor)
      implements SessionSource<K, V> {
    @Override
    @SuppressWarnings("unchecked")
    public SessionSource<K, V> timestampFrom(TimestampExtractor<? super K, ? super V> extractor) {
      Objects.requireNonNull(extractor, "extractor");
      return new SessionStart<>(parts, sessions, (TimestampExtractor<Object, Object>) extractor);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S> StatefulState<Windowed<K>, V, S> state(
        StateSpec<S> spec, SessionMerger<? super K, S> merger) {
      Objects.requireNonNull(spec, "state");
      Objects.requireNonNull(merger, "merger");
      StateSpec<?> kept = retained(spec, sessions.minRetention(), "the sessions' gap plus grace");
      SessionWindowing windowing =
          new SessionWindowing(
              sessions,
              extractor,
              (SessionMerger<Object, Object>) (SessionMerger<?, ?>) merger,
              (StateSpec<Object>) kept);
      return new State<>(parts.with(windowing).with(KeySessions.spec(kept)));
    }
  }

  /**
   * {@code spec} with a retention of at least {@code least}: {@code least} when it has none.
   *
   * @throws FlowDefinitionException if its retention is shorter
   */
  private static StateSpec<?> retained(StateSpec<?> spec, Duration least, String what) {
    if (spec.retention() == null) {
      return spec.withRetention(least);
    }
    if (spec.retention().compareTo(least) < 0) {
      throw FlowDefinitionException.of(
          "retention of state " + spec.name(),
          spec.retention(),
          "is shorter than " + what + " (" + least + "), deleting open windows",
          "use StateSpec.withRetention("
              + least
              + ") or longer, or none (windows default to "
              + what
              + ")");
    }
    return spec;
  }

  private record WindowedStart<K, V>(Parts parts) implements WindowedSource<K, V> {
    @Override
    @SuppressWarnings("unchecked")
    public WindowedSource<K, V> timestampFrom(TimestampExtractor<? super K, ? super V> extractor) {
      Objects.requireNonNull(extractor, "extractor");
      Windows windows = parts.windowing().windows();
      return new WindowedStart<>(
          parts.with(new Windowing(windows, (TimestampExtractor<Object, Object>) extractor)));
    }

    @Override
    public <S> StatefulState<Windowed<K>, V, S> state(StateSpec<S> spec) {
      Objects.requireNonNull(spec, "state");
      Duration least = parts.windowing().windows().minRetention();
      return new State<>(parts.with(retained(spec, least, "the windows' size plus grace")));
    }
  }

  private record State<K, V, S>(Parts parts) implements StatefulState<K, V, S> {
    @Override
    public <O> StatefulOutput<K, O> apply(StateFunction<? super K, ? super V, S, O> function) {
      return new Output<>(
          parts.with(StateCall.of(Objects.requireNonNull(function, "function")), "apply", null));
    }

    @Override
    public <O> StatefulOutput<K, O> apply(
        StateFunction<? super K, ? super V, S, O> function,
        TimerFunction<? super K, S, O> onTimer) {
      return timed(StateCall.of(Objects.requireNonNull(function, "function")), "apply", onTimer);
    }

    @Override
    public <O> StatefulOutput<K, O> applyMessage(
        MessageStateFunction<K, ? super V, S, O> function, TimerFunction<? super K, S, O> onTimer) {
      return timed(
          StateCall.ofMessages(Objects.requireNonNull(function, "function")),
          "applyMessage",
          onTimer);
    }

    /**
     * The output of {@code call} with timers calling {@code onTimer}.
     *
     * @throws FlowDefinitionException on a windowed flow
     */
    @SuppressWarnings("unchecked")
    private <O> StatefulOutput<K, O> timed(
        StateCall call, String callLabel, TimerFunction<? super K, S, O> onTimer) {
      Objects.requireNonNull(onTimer, "onTimer");
      if (parts.windowing() != null || parts.sessions() != null) {
        throw new FlowDefinitionException(
            callLabel
                + "(function, onTimer) of "
                + parts.name()
                + " is for flows without windows, got windowedBy(...): a window closes on its own"
                + " at stream time; emit its result then with emitOnClose(), or keep timers to a"
                + " flow without windowedBy(...)");
      }
      TimerCall timers =
          new TimerCall(
              (TimerFunction<Object, Object, Object>) (TimerFunction<?, ?, ?>) onTimer,
              parts.inputs().get(0),
              false);
      return new Output<>(parts.with(call, callLabel, timers));
    }

    @Override
    public <O> StatefulOutput<K, O> applyMessage(
        MessageStateFunction<K, ? super V, S, O> function) {
      return new Output<>(
          parts.with(
              StateCall.ofMessages(Objects.requireNonNull(function, "function")),
              "applyMessage",
              null));
    }
  }

  private record Output<K, O>(Parts parts) implements StatefulOutput<K, O> {
    @Override
    public StatefulOutput<K, O> emitLatestPerBatch() {
      return new Output<>(parts.withLatestPerBatch());
    }

    @Override
    public StatefulOutput<K, O> timersOnWallClock() {
      return new Output<>(parts.withWallClockTimers());
    }

    @Override
    public Flow to(Topic<K, O> topic) {
      return parts.plan(List.of(Objects.requireNonNull(topic, "topic")), null);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Flow split(
        Topic<K, ? extends O> first, Topic<K, ? extends O> second, OutputRouter<? super O> router) {
      Objects.requireNonNull(router, "router");
      Topic<?, ?> toFirst = Objects.requireNonNull(first, "first");
      Topic<?, ?> toSecond = Objects.requireNonNull(second, "second");
      OutputRouter<Object> byValue = (OutputRouter<Object>) router;
      TopicRouter<Object, Object> byTopic =
          output -> byValue.toFirst(output.value()) ? toFirst : toSecond;
      return parts.plan(List.of(toFirst, toSecond), byTopic);
    }

    @Override
    public Flow toAnyOf(List<Topic<K, O>> topics, TopicRouter<? super K, ? super O> router) {
      Objects.requireNonNull(router, "router");
      return parts.plan(AnyOfTopics.check(parts.name(), topics), router);
    }

    @Override
    public Flow withoutOutput() {
      return parts.plan(List.of(), null);
    }
  }
}
