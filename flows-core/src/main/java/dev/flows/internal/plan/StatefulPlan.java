package dev.flows.internal.plan;

import dev.flows.FlowKind;
import dev.flows.FlowOptions;
import dev.flows.Lineage.EdgeKind;
import dev.flows.Message;
import dev.flows.StateSpec;
import dev.flows.Topic;
import dev.flows.Windows;
import dev.flows.dsl.TopicRouter;
import dev.flows.internal.lineage.LineageGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * A stateful plan: how it reads, its state, and where outputs go. Also the stateful step of a join.
 */
public final class StatefulPlan extends Plan {
  private final StatefulInputs reader;
  private final StateSpec<Object> state;
  private final TopicRouter<Object, Object> router;
  private final String readerLabel;
  private final Steps steps;

  /**
   * What a stateful chain chose beyond its state function.
   *
   * @param windowing the event-time windows state is kept in, {@code null} for none
   * @param sessions the event-time sessions state is kept in, {@code null} for none
   * @param timers the timer function, {@code null} for none
   * @param latestPerBatch whether each batch publishes only each row's last output per topic and
   *     key
   */
  public record Steps(
      Windowing windowing, SessionWindowing sessions, TimerCall timers, boolean latestPerBatch) {
    /** Nothing beyond the state function. */
    public static final Steps NONE = new Steps(null, null, null, false);

    /** Whether updates' outputs are held until their window or session closes (final results). */
    public boolean holdsOutputs() {
      return windowing != null && windowing.windows().emit() == Windows.Emit.ON_CLOSE
          || sessions != null && sessions.sessions().emit() == Windows.Emit.ON_CLOSE;
    }
  }

  @SuppressWarnings("unchecked")
  StatefulPlan(
      String name,
      FlowOptions options,
      List<Topic<?, ?>> inputs,
      StatefulInputs reader,
      String readerLabel,
      StateSpec<?> state,
      List<Topic<?, ?>> outputs,
      TopicRouter<?, ?> router,
      Steps steps) {
    super(name, FlowKind.STATEFUL, options, inputs, outputs);
    this.steps = steps;
    this.reader = reader;
    this.readerLabel = readerLabel;
    this.state = (StateSpec<Object>) state;
    this.router = (TopicRouter<Object, Object>) router;
  }

  /** How records are decoded, keyed and dispatched. */
  public StatefulInputs reader() {
    return reader;
  }

  /**
   * The topics whose offsets the state stores, checked against the store's record at every
   * assignment: the inputs, and a join's source topics.
   */
  public List<String> guardedTopics() {
    List<String> topics = new ArrayList<>(inputs().stream().map(Topic::name).toList());
    topics.addAll(reader.originTopics());
    return List.copyOf(topics);
  }

  /** The event-time windows state is kept in, {@code null} when it is not. */
  public Windowing windowing() {
    return steps.windowing();
  }

  /** The event-time sessions state is kept in, {@code null} when it is not. */
  public SessionWindowing sessions() {
    return steps.sessions();
  }

  /** The timer function of a flow with timers, {@code null} for one without. */
  public TimerCall timers() {
    return steps.timers();
  }

  /**
   * Whether what it publishes waits for stream time to pass a point (a window or session closing,
   * an event-time timer firing): its poll loop then takes records in event-time order across
   * partitions.
   */
  public boolean waitsForStreamTime() {
    return holdsOutputs() || sessions() != null || (timers() != null && !timers().wallClock());
  }

  /** Whether updates' outputs are held until their window or session closes (final results). */
  public boolean holdsOutputs() {
    return steps.holdsOutputs();
  }

  /** Whether each batch publishes only each row's last output per topic and key. */
  public boolean latestPerBatch() {
    return steps.latestPerBatch();
  }

  /** The state spec. */
  public StateSpec<Object> state() {
    return state;
  }

  /**
   * The output topic of {@code output}, or {@code null} when the flow has no output.
   *
   * @throws dev.flows.PermanentException if the flow's router chose a topic it did not declare
   * @throws Exception what the router throws
   */
  public Topic<?, ?> outputTopic(Message<Object, Object> output) throws Exception {
    List<Topic<?, ?>> outputs = outputs();
    if (outputs.isEmpty()) {
      return null;
    }
    if (router == null) {
      return outputs.get(0);
    }
    Topic<?, ?> chosen = router.route(output);
    for (Topic<?, ?> declared : outputs) {
      if (chosen != null && declared.name().equals(chosen.name())) {
        return declared;
      }
    }
    throw Nodes.undeclared(chosen, outputs.stream().map(Topic::name).toList());
  }

  @Override
  public <R> R accept(PlanVisitor<R> visitor) {
    return visitor.stateful(this);
  }

  /** The table holding its state. */
  @Override
  void addOwnLineage(LineageGraph graph, String step) {
    graph.edge(step, graph.table(state.table()), EdgeKind.STATE);
  }

  @Override
  List<String> stepLabels() {
    String stateLabel =
        "state "
            + state.name()
            + (state.version() > 1 ? " v" + state.version() : "")
            + " ["
            + state.format().name()
            + "] in "
            + state.table()
            + (state.retention() == null
                ? ""
                : ", rows unwritten for " + state.retention() + " deleted");
    String applyLabel =
        readerLabel
            + (timers() == null
                ? ""
                : timers().wallClock() ? " with wall-clock timers" : " with event-time timers")
            + (latestPerBatch() ? ", publishing each batch's last output per key" : "");
    if (windowing() != null) {
      return List.of(windowing().label(), stateLabel, applyLabel);
    }
    return sessions() == null
        ? List.of(stateLabel, applyLabel)
        : List.of(sessions().label(), stateLabel, applyLabel);
  }
}
