package dev.archway.gateway;

import dev.archway.model.ListenerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.stream.Collectors;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready once a config is applied and all its listeners are bound; reports the applied version. */
@Readiness
@ApplicationScoped
public class ConfigReadinessCheck implements HealthCheck {

  private final Gateway gateway;

  public ConfigReadinessCheck(Gateway gateway) {
    this.gateway = gateway;
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder response = HealthCheckResponse.named("archway-config");
    AppliedConfig applied = gateway.live().current();
    ConfigApplier applier = gateway.applier();
    Rejection rejection = applier == null ? null : applier.lastRejection();
    if (rejection != null) {
      response.withData("rejected", rejection.message()).withData("rejectedFrom", rejection.origin());
    }
    if (applied == null) {
      return response.down().withData("reason", "no config applied yet").build();
    }
    response
        .withData("version", applied.version())
        .withData("source", applied.origin())
        .withData("appliedAt", applied.appliedAt().toString())
        .withData("listeners", applied.config().listeners().stream()
            .map(l -> l.name() + ":" + l.port()).collect(Collectors.joining(",")));
    if (gateway.live().draining()) {
      return response.down().withData("reason", "shutting down").build();
    }
    boolean bound = gateway.listeners().boundPorts().containsAll(
        applied.config().listeners().stream().map(ListenerConfig::port).toList());
    if (!bound) {
      return response.down().withData("reason", "listeners not bound").build();
    }
    return response.up().build();
  }
}
