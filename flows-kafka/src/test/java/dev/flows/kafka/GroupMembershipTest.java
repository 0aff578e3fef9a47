package dev.flows.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flows.FlowDefinitionException;
import dev.flows.runtime.FlowsConfig;
import dev.flows.spi.Source;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.junit.jupiter.api.Test;

/** Static membership and the group protocol's consumer settings, without a broker. */
class GroupMembershipTest {
  private static final String BROKERS = "127.0.0.1:9"; // never contacted

  @Test
  void shouldJoinAsFlowNameAndInstanceIdWhenFlowsInstanceIdIsSet() {
    GroupMembership membership =
        GroupMembership.DYNAMIC.withInstanceId("FLOWS_INSTANCE_ID", "flows-word-count-0");
    assertEquals(
        Optional.of("flows-word-count-flows-word-count-0"),
        membership.groupInstanceId("flows-word-count"));
    assertEquals(Optional.empty(), GroupMembership.DYNAMIC.groupInstanceId("flows-word-count"));
  }

  @Test
  void shouldLeaveTheGroupOnCloseWhenStaticOnlyIfAsked() {
    GroupMembership member = GroupMembership.DYNAMIC.withInstanceId("instanceId", "w1");
    assertEquals(GroupMembershipOperation.DEFAULT, member.onClose());
    assertEquals(GroupMembershipOperation.LEAVE_GROUP, member.withLeaveGroupOnStop(true).onClose());
  }

  @Test
  void shouldNameTheVariableValueAndFixWhenTheEnvironmentGivesABadInstanceId() {
    FlowsConfig config =
        FlowsConfig.from(
            Map.of("FLOWS_KAFKA_BOOTSTRAP_SERVERS", BROKERS, "FLOWS_INSTANCE_ID", "pod 0"));
    FlowDefinitionException error =
        assertThrows(FlowDefinitionException.class, () -> KafkaConnector.create(config));
    assertEquals(
        "FLOWS_INSTANCE_ID has characters Kafka refuses in a group.instance.id, got 'pod 0':"
            + " use only letters, digits, '.', '_' and '-', e.g. the pod name flows-word-count-0",
        error.getMessage());
  }

  @Test
  void shouldNameTheSettingWhenAProgrammaticInstanceIdIsMissingOrTooLong() {
    KafkaConnector connector = KafkaConnector.create(BROKERS);
    FlowDefinitionException blank =
        assertThrows(FlowDefinitionException.class, () -> connector.withInstanceId(" "));
    assertEquals(
        "instanceId is missing, got ' ': give each process its own id, e.g. the pod name",
        blank.getMessage());
    String tooLong = "w".repeat(KafkaConnector.MAX_INSTANCE_ID_LENGTH + 1);
    FlowDefinitionException longer =
        assertThrows(FlowDefinitionException.class, () -> connector.withInstanceId(tooLong));
    assertEquals(
        "instanceId is longer than 200 characters, got '"
            + tooLong
            + "': use a shorter id, e.g. the pod name",
        longer.getMessage());
  }

  @Test
  void shouldSetTheClassicAssignorSessionAndHeartbeatOnlyWhenTheGroupProtocolIsClassic() {
    Map<String, Object> classic =
        Map.of(
            "partition.assignment.strategy",
            CooperativeStickyAssignor.class.getName(),
            "session.timeout.ms",
            KafkaConnector.DEFAULT_SESSION_TIMEOUT_MS,
            "heartbeat.interval.ms",
            KafkaConnector.DEFAULT_HEARTBEAT_INTERVAL_MS);
    assertEquals(classic, GroupMembership.protocolDefaults(Map.of()));
    assertEquals(classic, GroupMembership.protocolDefaults(Map.of("group.protocol", "CLASSIC")));
    assertEquals(Map.of(), GroupMembership.protocolDefaults(Map.of("group.protocol", "consumer")));
  }

  @Test
  void shouldBuildAConsumerWhenTheGroupProtocolIsConsumer() {
    KafkaConnector connector =
        KafkaConnector.create(BROKERS)
            .withProperty("group.protocol", "consumer")
            .withInstanceId("w1");
    try (Source source = connector.source("flows-word-count", "flows-word-count")) {
      assertEquals(0, source.assignment().size());
    }
  }
}
