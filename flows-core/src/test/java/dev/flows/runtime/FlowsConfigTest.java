package dev.flows.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.FlowDefinitionException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class FlowsConfigTest {
  private static final Map<String, String> ENV =
      Map.of(
          "FLOWS_KAFKA_BOOTSTRAP_SERVERS", " kafka-1:9093,kafka-2:9093 ",
          "FLOWS_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
          "FLOWS_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
          "FLOWS_KAFKA_SASL_JAAS_CONFIG",
              "org.apache.kafka.common.security.scram.ScramLoginModule required"
                  + " username=\"app\" password=\"kafka-secret\";",
          "FLOWS_KAFKA_SSL_TRUSTSTORE_PASSWORD", "truststore-secret",
          "FLOWS_POSTGRES_URL",
              "jdbc:postgresql://db:5432/flows?sslmode=verify-full&password=url-secret",
          "FLOWS_POSTGRES_USER", "app",
          "FLOWS_POSTGRES_PASSWORD", "pg-secret",
          "FLOWS_RABBITMQ_URI", "amqps://app:amqp-secret@rabbit:5671/vhost",
          "FLOWS_INSTANCE", "shop-orders-count");

  @Test
  void shouldPassTlsAndSaslSettingsThroughAsKafkaPropertiesWhenPrefixed() {
    FlowsConfig config = FlowsConfig.from(ENV);
    assertEquals(Optional.of("kafka-1:9093,kafka-2:9093"), config.kafkaBootstrapServers());
    assertEquals("SASL_SSL", config.kafkaProperties().get("security.protocol"));
    assertEquals("SCRAM-SHA-512", config.kafkaProperties().get("sasl.mechanism"));
    assertEquals("truststore-secret", config.kafkaProperties().get("ssl.truststore.password"));
    assertTrue(config.kafkaProperties().get("sasl.jaas.config").contains("kafka-secret"));
    assertFalse(config.kafkaProperties().containsKey("bootstrap.servers"));
    assertEquals(Optional.of("pg-secret"), config.postgresPassword());
    assertEquals(Optional.of("amqps://app:amqp-secret@rabbit:5671/vhost"), config.rabbitmqUri());
    assertEquals(Optional.of("shop-orders-count"), config.instance());
    assertEquals(FlowsConfig.DEFAULT_HTTP_PORT, config.httpPort());
  }

  @Test
  void shouldNeverShowASecretWhenPrinted() {
    String printed = FlowsConfig.from(ENV).toString();
    for (String secret :
        new String[] {
          "kafka-secret", "truststore-secret", "url-secret", "pg-secret", "amqp-secret"
        }) {
      assertFalse(printed.contains(secret), secret + " in " + printed);
    }
    assertTrue(printed.contains("security.protocol=SASL_SSL"), printed);
    assertTrue(printed.contains("amqps://****@rabbit:5671/vhost"), printed);
  }

  @Test
  void shouldNameTheSettingWhenThePortIsNotOne() {
    for (String bad : new String[] {"http", "-1", "65536"}) {
      FlowDefinitionException error =
          assertThrows(
              FlowDefinitionException.class,
              () -> FlowsConfig.from(Map.of("FLOWS_HTTP_PORT", bad)));
      assertTrue(error.getMessage().contains("FLOWS_HTTP_PORT"), error.getMessage());
    }
    assertEquals(0, FlowsConfig.from(Map.of("FLOWS_HTTP_PORT", "0")).httpPort());
  }

  @Test
  void shouldReadThePoolSizeAndPgBouncerModeWhenSet() {
    FlowsConfig config =
        FlowsConfig.from(
            Map.of("FLOWS_POSTGRES_POOL_SIZE", " 3 ", "FLOWS_POSTGRES_PGBOUNCER", "true"));
    assertEquals(OptionalInt.of(3), config.postgresPoolSize());
    assertTrue(config.postgresPgBouncer());
    assertTrue(config.toString().contains("postgresPoolSize=3, postgresPgBouncer=true"));

    FlowsConfig unset = FlowsConfig.from(Map.of());
    assertEquals(OptionalInt.empty(), unset.postgresPoolSize());
    assertFalse(unset.postgresPgBouncer());
    assertTrue(unset.toString().contains("postgresPoolSize=auto"), unset.toString());
  }

  @Test
  void shouldNameTheSettingAndTheFixWhenThePoolSizeIsNotOne() {
    for (String bad : new String[] {"0", "-2", "four"}) {
      FlowDefinitionException error =
          assertThrows(
              FlowDefinitionException.class,
              () -> FlowsConfig.from(Map.of("FLOWS_POSTGRES_POOL_SIZE", bad)));
      assertEquals(
          "FLOWS_POSTGRES_POOL_SIZE is not a pool size, got '"
              + bad
              + "': use a whole number from 1, or leave it unset to size each pool to the flows"
              + " using it",
          error.getMessage());
    }
  }

  @Test
  void shouldTreatBlankVariablesAsUnsetWhenAContainerSpecLeftThemEmpty() {
    FlowsConfig config =
        FlowsConfig.from(Map.of("FLOWS_KAFKA_BOOTSTRAP_SERVERS", " ", "FLOWS_INSTANCE", ""));
    assertEquals(Optional.empty(), config.kafkaBootstrapServers());
    assertEquals(Optional.empty(), config.instance());
  }

  @Test
  void shouldReadTheStaticMembershipWhenInstanceIdAndLeaveGroupOnStopAreSet() {
    FlowsConfig config =
        FlowsConfig.from(
            Map.of(
                "FLOWS_INSTANCE_ID", " flows-word-count-0 ", "FLOWS_LEAVE_GROUP_ON_STOP", "TRUE"));
    assertEquals(Optional.of("flows-word-count-0"), config.instanceId());
    assertTrue(config.leaveGroupOnStop());
    assertTrue(config.toString().contains("instanceId=flows-word-count-0"), config.toString());
  }

  @Test
  void shouldStayDynamicWhenTheMembershipVariablesAreUnset() {
    FlowsConfig config = FlowsConfig.from(Map.of("FLOWS_INSTANCE_ID", "", "FLOWS_INSTANCE", "x"));
    assertEquals(Optional.empty(), config.instanceId());
    assertFalse(config.leaveGroupOnStop());
    assertFalse(FlowsConfig.from(Map.of("FLOWS_LEAVE_GROUP_ON_STOP", "false")).leaveGroupOnStop());
  }

  @Test
  void shouldNameTheSettingWhenLeaveGroupOnStopIsNotABoolean() {
    FlowDefinitionException error =
        assertThrows(
            FlowDefinitionException.class,
            () -> FlowsConfig.from(Map.of("FLOWS_LEAVE_GROUP_ON_STOP", "yes")));
    assertEquals(
        "FLOWS_LEAVE_GROUP_ON_STOP is not a boolean, got 'yes': use true or false",
        error.getMessage());
  }

  @Test
  void shouldTraceEveryRecordOnlyWhenTheVariableSaysTrue() {
    assertFalse(FlowsConfig.from(Map.of()).recordSpans());
    assertTrue(FlowsConfig.from(Map.of("FLOWS_TRACING_RECORD_SPANS", "true")).recordSpans());
    FlowDefinitionException error =
        assertThrows(
            FlowDefinitionException.class,
            () -> FlowsConfig.from(Map.of("FLOWS_TRACING_RECORD_SPANS", "1")));
    assertEquals(
        "FLOWS_TRACING_RECORD_SPANS is not a boolean, got '1': use true or false",
        error.getMessage());
  }
}
