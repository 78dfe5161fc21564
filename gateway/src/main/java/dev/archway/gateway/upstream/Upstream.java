package dev.archway.gateway.upstream;

import dev.archway.model.ServiceConfig;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A service as the proxy uses it: a balancer over its endpoints, their health, its timeouts and
 * its retry policy with budget. One instance per service, shared by every route that uses it.
 */
public final class Upstream {

  private final ServiceConfig config;
  private final ServiceHealth health;
  private final Balancer balancer;
  private final RetryBudget retryBudget;
  private final AtomicInteger active = new AtomicInteger();
  private final ServiceMeters meters;

  Upstream(ServiceConfig config, ServiceHealth health, ServiceMeters meters) {
    this.config = config;
    this.health = health;
    this.meters = meters;
    this.balancer = Balancer.of(config, health.endpoints());
    this.retryBudget = config.retry() == null ? null : new RetryBudget(config.retry());
  }

  /** An upstream with its own health state and no active checks; for tests and tools. */
  public static Upstream standalone(ServiceConfig config) {
    return new Upstream(config, new ServiceHealth(config), ServiceMeters.NONE);
  }

  /** Where this service's upstream traffic is counted. */
  public ServiceMeters meters() {
    return meters;
  }

  /** Name of the service, {@code namespace/name}. */
  public String service() {
    return config.name();
  }

  public ServiceConfig config() {
    return config;
  }

  ServiceHealth health() {
    return health;
  }

  /** True when the service has at least one target with weight above 0. */
  public boolean hasTargets() {
    return health.endpoints().length > 0;
  }

  /**
   * A healthy endpoint by the service's algorithm, passing over {@code avoid} when another is
   * healthy; null when none is.
   *
   * @param hashKey the request's key for consistent hashing, null otherwise
   */
  public Endpoint pick(String hashKey, Endpoint avoid) {
    return balancer.pick(health.endpoints(), System.nanoTime(), hashKey, avoid);
  }

  /** What {@code ConsistentHash} hashes, or null. */
  public ServiceConfig.HashPolicy hashPolicy() {
    return config.hash();
  }

  /** The retry policy, or null for none. */
  public ServiceConfig.RetryPolicy retry() {
    return config.retry();
  }

  /** Connect timeout of the service, else {@code fallback}. */
  public Duration connectTimeout(Duration fallback) {
    return millis(config.timeouts() == null ? 0 : config.timeouts().connectMillis(), fallback);
  }

  /** Limit on the whole exchange with the upstream (retries included), else {@code fallback}. */
  public Duration requestTimeout(Duration fallback) {
    return millis(config.timeouts() == null ? 0 : config.timeouts().requestMillis(), fallback);
  }

  /** How long an idle pooled connection is kept, else {@code fallback}. */
  public Duration keepAliveTimeout(Duration fallback) {
    return millis(config.timeouts() == null ? 0 : config.timeouts().idleMillis(), fallback);
  }

  private static Duration millis(long millis, Duration fallback) {
    return millis > 0 ? Duration.ofMillis(millis) : fallback;
  }

  /** A request to this service starts; counts towards the retry budget's base. */
  public void requestStarted() {
    active.incrementAndGet();
  }

  public void requestFinished() {
    active.decrementAndGet();
  }

  /** Requests to this service in flight now. */
  public int active() {
    return active.get();
  }

  /** True when the retry budget allows one more retry; pair with {@link #retryFinished()}. */
  public boolean tryRetry() {
    return retryBudget != null && retryBudget.tryAcquire(active.get());
  }

  public void retryFinished() {
    retryBudget.release();
  }

  /** A try is sent to {@code endpoint}. */
  public void tryStarted(Endpoint endpoint) {
    endpoint.inFlight.incrementAndGet();
  }

  /** The try to {@code endpoint} is over (answered, failed or abandoned). */
  public void tryEnded(Endpoint endpoint) {
    endpoint.inFlight.decrementAndGet();
  }

  /** What a try to {@code endpoint} came to: a status, or 0 when it could not connect or timed out. */
  public void report(Endpoint endpoint, int status) {
    if (status == 0 || status >= 500) {
      health.failed(endpoint);
    } else {
      health.succeeded(endpoint);
    }
  }

  @Override
  public String toString() {
    return config.name();
  }
}
