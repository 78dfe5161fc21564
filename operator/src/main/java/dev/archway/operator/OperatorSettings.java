package dev.archway.operator;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * How the operator runs, read from its environment.
 *
 * @param gatewayImage image for gateway pods whose GatewayCluster names none ({@code ARCHWAY_GATEWAY_IMAGE})
 * @param watchNamespaces namespaces to watch; empty means all ({@code ARCHWAY_WATCH_NAMESPACES}, comma-separated)
 * @param leaseNamespace namespace of the leader-election Lease; null disables leader election
 *     ({@code ARCHWAY_LEASE_NAMESPACE}, else {@code POD_NAMESPACE})
 * @param healthPort port of {@code /healthz} and {@code /readyz}; 0 disables ({@code ARCHWAY_HEALTH_PORT})
 */
public record OperatorSettings(
    String gatewayImage, Set<String> watchNamespaces, String leaseNamespace, int healthPort) {

  public static final String DEFAULT_GATEWAY_IMAGE = "ghcr.io/archway-dev/archway-gateway:0.1.0";

  /** Settings for tests and local runs. */
  public static OperatorSettings defaults() {
    return new OperatorSettings(DEFAULT_GATEWAY_IMAGE, Set.of(), null, 0);
  }

  public static OperatorSettings fromEnvironment(Map<String, String> env) {
    String image = env.getOrDefault("ARCHWAY_GATEWAY_IMAGE", DEFAULT_GATEWAY_IMAGE);
    Set<String> namespaces =
        Arrays.stream(env.getOrDefault("ARCHWAY_WATCH_NAMESPACES", "").split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    String lease = env.getOrDefault("ARCHWAY_LEASE_NAMESPACE", env.get("POD_NAMESPACE"));
    int port = Integer.parseInt(env.getOrDefault("ARCHWAY_HEALTH_PORT", "8081"));
    return new OperatorSettings(image.isBlank() ? DEFAULT_GATEWAY_IMAGE : image, namespaces,
        lease == null || lease.isBlank() ? null : lease, port);
  }
}
