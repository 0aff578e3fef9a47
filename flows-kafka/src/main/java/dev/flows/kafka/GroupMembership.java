package dev.flows.kafka;

import dev.flows.FlowDefinitionException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.GroupProtocol;

/**
 * How a flow's consumer takes part in its group: dynamic, or static with an instance id (KIP-345),
 * and whether it leaves the group when it stops. Kept apart from the other consumer settings so the
 * group protocol's rules live in one place: the classic protocol's client-side settings (assignor,
 * session timeout) must not be set for the KIP-848 protocol, whose client refuses them.
 *
 * @param instanceId the process's identity, if static
 * @param leaveGroupOnStop whether closing the consumer leaves the group even when static
 */
record GroupMembership(Optional<String> instanceId, boolean leaveGroupOnStop) {
  private static final Pattern INSTANCE_ID = Pattern.compile("[a-zA-Z0-9._-]+");

  static final GroupMembership DYNAMIC = new GroupMembership(Optional.empty(), false);

  /** A copy that is static as {@code id}, checked as Kafka checks a group instance id. */
  GroupMembership withInstanceId(String setting, String id) {
    if (id == null || id.isBlank()) {
      throw FlowDefinitionException.of(
          setting, id, "is missing", "give each process its own id, e.g. the pod name");
    }
    if (id.length() > KafkaConnector.MAX_INSTANCE_ID_LENGTH) {
      throw FlowDefinitionException.of(
          setting,
          id,
          "is longer than " + KafkaConnector.MAX_INSTANCE_ID_LENGTH + " characters",
          "use a shorter id, e.g. the pod name");
    }
    if (!INSTANCE_ID.matcher(id).matches()) {
      throw FlowDefinitionException.of(
          setting,
          id,
          "has characters Kafka refuses in a group.instance.id",
          "use only letters, digits, '.', '_' and '-', e.g. the pod name flows-word-count-0");
    }
    return new GroupMembership(Optional.of(id), leaveGroupOnStop);
  }

  GroupMembership withLeaveGroupOnStop(boolean leave) {
    return new GroupMembership(instanceId, leave);
  }

  /**
   * The consumer defaults of the group protocol in {@code properties}: for the classic protocol
   * (Kafka's default) cooperative-sticky assignment, a session of {@value
   * KafkaConnector#DEFAULT_SESSION_TIMEOUT_MS} ms and a heartbeat every {@value
   * KafkaConnector#DEFAULT_HEARTBEAT_INTERVAL_MS} ms; nothing for {@code group.protocol=consumer},
   * where the broker assigns, sets the heartbeat interval and times sessions out.
   */
  static Map<String, Object> protocolDefaults(Map<String, Object> properties) {
    Map<String, Object> defaults = new HashMap<>();
    Object protocol = properties.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
    if (protocol == null || GroupProtocol.CLASSIC.name().equalsIgnoreCase(protocol.toString())) {
      defaults.put(
          ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
          CooperativeStickyAssignor.class.getName());
      defaults.put(
          ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, KafkaConnector.DEFAULT_SESSION_TIMEOUT_MS);
      defaults.put(
          ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
          KafkaConnector.DEFAULT_HEARTBEAT_INTERVAL_MS);
    }
    return defaults;
  }

  /** The {@code group.instance.id} of a member of {@code group}: unique per flow and process. */
  Optional<String> groupInstanceId(String group) {
    return instanceId.map(id -> group + "-" + id);
  }

  /**
   * What closing the consumer does to its membership: a dynamic member always leaves; a static one
   * stays (its partitions wait for it until its session times out) unless {@link
   * #leaveGroupOnStop}.
   */
  GroupMembershipOperation onClose() {
    return leaveGroupOnStop
        ? GroupMembershipOperation.LEAVE_GROUP
        : GroupMembershipOperation.DEFAULT;
  }
}
