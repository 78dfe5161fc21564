package dev.archway.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An upstream: its targets and the policies for talking to them. Every policy may be null,
 * meaning the gateway's defaults.
 *
 * @param name {@code namespace/name} of the Service it came from
 * @param loadBalancer algorithm: {@value #ROUND_ROBIN} (smooth, honours target weights),
 *     {@value #LEAST_REQUEST} (power of two choices), {@value #CONSISTENT_HASH} (see {@code hash}),
 *     {@value #RANDOM}
 * @param hash what {@value #CONSISTENT_HASH} hashes; required for it, null otherwise
 * @param targets endpoints that serve it
 * @param healthCheck active checks; null means none
 * @param outlierDetection passive ejection; null means none
 * @param timeouts connect, request and idle timeouts
 * @param retry retries; null means none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceConfig(
    String name,
    String loadBalancer,
    HashPolicy hash,
    List<TargetConfig> targets,
    HealthCheck healthCheck,
    OutlierDetection outlierDetection,
    Timeouts timeouts,
    RetryPolicy retry) {

  public static final String ROUND_ROBIN = "RoundRobin";
  public static final String LEAST_REQUEST = "LeastRequest";
  public static final String CONSISTENT_HASH = "ConsistentHash";
  public static final String RANDOM = "Random";

  public ServiceConfig {
    targets = targets == null ? List.of() : List.copyOf(targets);
  }

  /** A round-robin service with no policies. */
  public static ServiceConfig of(String name, List<TargetConfig> targets) {
    return new ServiceConfig(name, ROUND_ROBIN, null, targets, null, null, null, null);
  }

  /**
   * One endpoint of an upstream.
   *
   * @param host IP address or DNS name
   * @param port TCP port
   * @param weight relative weight
   */
  public record TargetConfig(String host, int port, int weight) {}

  /**
   * The key of consistent hashing.
   *
   * @param source {@value #HEADER}, {@value #COOKIE} or {@value #CLIENT_ADDRESS}
   * @param name header or cookie name; null for the client address
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record HashPolicy(String source, String name) {
    public static final String HEADER = "Header";
    public static final String COOKIE = "Cookie";
    public static final String CLIENT_ADDRESS = "ClientAddress";
  }

  /**
   * Active HTTP health checks, per target.
   *
   * @param path request path, e.g. {@code /healthz}
   * @param intervalMillis time between checks of one target
   * @param timeoutMillis time a check may take
   * @param healthyThreshold consecutive successes that make an unhealthy target healthy
   * @param unhealthyThreshold consecutive failures that make a healthy target unhealthy
   * @param expectedStatuses status ranges that count as success, e.g. {@code ["200-399"]}
   */
  public record HealthCheck(
      String path, long intervalMillis, long timeoutMillis, int healthyThreshold, int unhealthyThreshold,
      List<String> expectedStatuses) {
    public HealthCheck {
      expectedStatuses = expectedStatuses == null ? List.of("200-399") : List.copyOf(expectedStatuses);
    }
  }

  /**
   * Passive ejection of targets that fail live traffic.
   *
   * @param consecutiveFailures 5xx responses or connect failures in a row that eject a target
   * @param baseEjectionMillis first ejection time; doubles with each ejection in a row
   * @param maxEjectionMillis ejection time never exceeds this
   * @param maxEjectedPercent at most this share of a service's targets is ejected at once
   */
  public record OutlierDetection(
      int consecutiveFailures, long baseEjectionMillis, long maxEjectionMillis, int maxEjectedPercent) {}

  /**
   * Timeouts; 0 means the gateway's default.
   *
   * @param connectMillis establishing a connection to a target
   * @param requestMillis the whole exchange with the upstream, retries included
   * @param idleMillis an idle pooled connection to a target is closed after this
   */
  public record Timeouts(long connectMillis, long requestMillis, long idleMillis) {}

  /**
   * Retries of idempotent requests (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) on connect
   * failures and on the listed statuses; a request with a body is retried only when the body
   * was not sent yet.
   *
   * @param attempts retries after the first try (so attempts + 1 tries at most)
   * @param perTryTimeoutMillis time one try may take; 0 means no per-try limit
   * @param retryOn statuses that are retried, e.g. 502, 503, 504
   * @param budgetPercent retries may add at most this share of the service's active requests
   * @param minRetriesPerSecond retries always allowed regardless of the budget
   */
  public record RetryPolicy(
      int attempts, long perTryTimeoutMillis, List<Integer> retryOn, int budgetPercent, int minRetriesPerSecond) {
    public RetryPolicy {
      retryOn = retryOn == null ? List.of(502, 503, 504) : List.copyOf(retryOn);
    }
  }
}
