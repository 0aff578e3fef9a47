package dev.flows.testkit.internal;

import dev.flows.testkit.TestKafka;
import dev.flows.testkit.TestPostgres;
import dev.flows.testkit.TestRabbitMq;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** Resolves {@link TestKafka}, {@link TestPostgres} and {@link TestRabbitMq} test parameters. */
public final class ServicesExtension implements ParameterResolver {
  private static final Map<Class<?>, Supplier<?>> SERVICES =
      Map.of(
          TestKafka.class,
          Services::kafka,
          TestPostgres.class,
          Services::postgres,
          TestRabbitMq.class,
          Services::rabbitMq);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return SERVICES.containsKey(parameter.getParameter().getType());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return SERVICES.get(parameter.getParameter().getType()).get();
  }
}
