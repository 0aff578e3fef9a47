package dev.flows.postgres.internal;

import dev.flows.spi.TopicLedger;
import dev.flows.spi.TopicShape;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The record of each flow's topics in table {@value #TABLE}, one row per (flow, topic), created on
 * first use. Rows are inserted once ({@code ON CONFLICT DO NOTHING}, so concurrent instances agree
 * on the first shape) and changed only by an operator accepting a change. Thread-safe.
 */
public final class PostgresTopicLedger implements TopicLedger {
  /** The table: {@value}. */
  public static final String TABLE = "flows_topics";

  private static final String CREATE =
      """
      CREATE TABLE IF NOT EXISTS flows_topics (
        flow text NOT NULL,
        topic text NOT NULL,
        topic_id text,
        partitions integer NOT NULL,
        generation integer NOT NULL DEFAULT 0,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (flow, topic))
      """;

  private static final String INSERT =
      """
      INSERT INTO flows_topics (flow, topic, topic_id, partitions)
      SELECT :flow, t, i, p FROM unnest(:topics::text[], :ids::text[], :partitions::integer[]) AS n (t, i, p)
      ON CONFLICT (flow, topic) DO NOTHING
      """;

  private static final String SELECT =
      "SELECT topic, topic_id, partitions, generation FROM flows_topics"
          + " WHERE flow = :flow AND topic = ANY(:topics)";

  private final Jdbi jdbi;
  private volatile boolean created;

  /** A ledger in the database of {@code jdbi}. */
  public PostgresTopicLedger(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  public Map<String, TopicShape> remember(String flow, Collection<TopicShape> seen) {
    createOnce();
    List<String> topics = seen.stream().map(TopicShape::topic).toList();
    List<TopicShape> stored =
        Databases.call(
            "topic ledger " + TABLE,
            "record the topics of " + flow,
            () ->
                jdbi.inTransaction(
                    handle -> {
                      handle
                          .createUpdate(INSERT)
                          .bind("flow", flow)
                          .bindArray("topics", String.class, topics)
                          .bindArray(
                              "ids", String.class, seen.stream().map(TopicShape::topicId).toList())
                          .bindArray(
                              "partitions",
                              Integer.class,
                              seen.stream().map(TopicShape::partitions).toList())
                          .execute();
                      return handle
                          .createQuery(SELECT)
                          .bind("flow", flow)
                          .bindArray("topics", String.class, topics)
                          .map(
                              (rs, ctx) ->
                                  new TopicShape(
                                      rs.getString("topic"),
                                      rs.getString("topic_id"),
                                      rs.getInt("partitions"),
                                      rs.getInt("generation")))
                          .list();
                    }));
    Map<String, TopicShape> byTopic = new HashMap<>();
    stored.forEach(shape -> byTopic.put(shape.topic(), shape));
    return byTopic;
  }

  @Override
  public String howToAccept(String flow, TopicShape now, boolean recreated) {
    String where = " WHERE flow = '" + flow + "' AND topic = '" + now.topic() + "'";
    return recreated
        ? "stop every instance of the flow, run UPDATE "
            + TABLE
            + " SET topic_id = '"
            + now.topicId()
            + "', partitions = "
            + now.partitions()
            + ", generation = generation + 1"
            + where
            + " in its database (the flow then forgets the offsets it stored for the old"
            + " topic), and start it again"
        : "run UPDATE "
            + TABLE
            + " SET partitions = "
            + now.partitions()
            + where
            + " in its database and restart the flow";
  }

  private void createOnce() {
    if (!created) {
      Databases.createTable(jdbi, "topic ledger " + TABLE, CREATE);
      created = true;
    }
  }
}
