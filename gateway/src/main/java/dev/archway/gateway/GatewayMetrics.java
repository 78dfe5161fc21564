package dev.archway.gateway;

import dev.archway.gateway.proxy.ListenerSet;
import dev.archway.gateway.proxy.RequestMetrics;
import dev.archway.gateway.routing.RouteMeters;
import dev.archway.gateway.upstream.ServiceMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The gateway's meters. Labels are route and service names and status classes, never paths or
 * targets (except the per-target health gauge), so cardinality follows the config's size.
 *
 * <ul>
 *   <li>{@code archway_requests_total{route,status}} answers to clients by status class
 *   <li>{@code archway_request_duration_seconds{route}} downstream latency, histogram buckets
 *   <li>{@code archway_upstream_requests_total{service,status}} answers of targets, every try
 *   <li>{@code archway_upstream_request_duration_seconds{service}} upstream latency: from a try's
 *       start (waiting for and making a connection included) to its answer's head, histogram buckets
 *   <li>{@code archway_upstream_connect_errors_total{service}}, {@code archway_upstream_retries_total{service}}
 *   <li>{@code archway_downstream_connections} client connections open on all listeners
 *   <li>{@code archway_config_info{version}}, {@code archway_config_reloads_total{result}},
 *       {@code archway_config_reload_duration_seconds}
 * </ul>
 */
public final class GatewayMetrics implements RequestMetrics {

  private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Counter[]> requests = new ConcurrentHashMap<>();
  private static final Duration[] LATENCY_BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

  private final ConcurrentHashMap<String, Timer> durations = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Timer> upstreamDurations = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter[]> upstreamRequests = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> connectErrors = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Counter> retries = new ConcurrentHashMap<>();
  private final Counter applied;
  private final Counter rejected;
  private final Timer reloadDuration;
  private Gauge versionInfo;

  public GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.applied = reloads("applied");
    this.rejected = reloads("rejected");
    this.reloadDuration = Timer.builder("archway.config.reload.duration")
        .description("Time from receiving a config document to serving it")
        .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofMillis(250),
            Duration.ofSeconds(1), Duration.ofSeconds(5))
        .register(registry);
  }

  /** The registry these meters live in. */
  public MeterRegistry registry() {
    return registry;
  }

  private Counter reloads(String result) {
    return Counter.builder("archway.config.reloads")
        .description("Config documents offered to the gateway, by outcome")
        .tag("result", result)
        .register(registry);
  }

  @Override
  public void record(String route, int status) {
    increment(requests.computeIfAbsent(route, this::countersFor), status);
  }

  @Override
  public void duration(String route, long nanos) {
    durationTimer(route).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void upstreamResponse(String service, int status) {
    increment(upstreamCounters(service), status);
  }

  @Override
  public void connectError(String service) {
    connectErrorCounter(service).increment();
  }

  @Override
  public void retry(String service) {
    retryCounter(service).increment();
  }

  @Override
  public void upstreamDuration(String service, long nanos) {
    upstreamTimer(service).record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The route's meters: looked up by name on the route's first answer, then held, so later
   * requests touch only the meters. Registered on first use: a large config adds no series for
   * routes that see no traffic.
   */
  @Override
  public RouteMeters route(String route) {
    Held<Counter[]> answers = new Held<>(() -> requests.computeIfAbsent(route, this::countersFor));
    Held<Timer> timer = new Held<>(() -> durationTimer(route));
    return new RouteMeters() {
      @Override
      public void answered(int status) {
        increment(answers.get(), status);
      }

      @Override
      public void duration(long nanos) {
        timer.get().record(nanos, TimeUnit.NANOSECONDS);
      }
    };
  }

  /** The service's meters: looked up by name on first use, then held (see {@link #route}). */
  @Override
  public ServiceMeters service(String service) {
    Held<Counter[]> answers = new Held<>(() -> upstreamCounters(service));
    Held<Timer> timer = new Held<>(() -> upstreamTimer(service));
    return new ServiceMeters() {
      @Override
      public void answered(int status) {
        increment(answers.get(), status);
      }

      @Override
      public void connectError() {
        connectErrorCounter(service).increment(); // rare: no need to hold it
      }

      @Override
      public void retry() {
        retryCounter(service).increment();
      }

      @Override
      public void answerTime(long nanos) {
        timer.get().record(nanos, TimeUnit.NANOSECONDS);
      }
    };
  }

  /** A meter looked up (and registered) on first use, then held. */
  private static final class Held<T> {

    private final Supplier<T> lookup;
    private volatile T meter;

    Held(Supplier<T> lookup) {
      this.lookup = lookup;
    }

    T get() {
      T held = meter;
      if (held == null) {
        meter = held = lookup.get();
      }
      return held;
    }
  }

  private static void increment(Counter[] byClass, int status) {
    int statusClass = status / 100 - 1;
    if (statusClass >= 0 && statusClass < byClass.length) {
      byClass[statusClass].increment();
    }
  }

  private Timer durationTimer(String route) {
    return latency(durations, "archway.request.duration",
        "Time from a request's arrival to the end of its answer, by route", "route", route);
  }

  private Timer upstreamTimer(String service) {
    return latency(upstreamDurations, "archway.upstream.request.duration",
        "Time from the start of a try (connection included) to the head of its answer, by service", "service", service);
  }

  /** A latency histogram (the same buckets for all) of one route or service, registered once. */
  private Timer latency(ConcurrentHashMap<String, Timer> timers, String name, String description, String tag,
      String value) {
    return timers.computeIfAbsent(value, v -> Timer.builder(name)
        .description(description)
        .tag(tag, v)
        .serviceLevelObjectives(LATENCY_BUCKETS)
        .register(registry));
  }

  private Counter[] upstreamCounters(String service) {
    return upstreamRequests.computeIfAbsent(service, s -> byStatusClass("archway.upstream.requests",
        "Answers of upstream targets (every try), by service and status class", "service", s));
  }

  private Counter connectErrorCounter(String service) {
    return connectErrors.computeIfAbsent(service, s -> Counter.builder("archway.upstream.connect.errors")
        .description("Connections to targets that failed, by service").tag("service", s).register(registry));
  }

  private Counter retryCounter(String service) {
    return retries.computeIfAbsent(service, s -> Counter.builder("archway.upstream.retries")
        .description("Requests tried again, by service").tag("service", s).register(registry));
  }

  private Counter[] byStatusClass(String name, String description, String tag, String value) {
    Counter[] counters = new Counter[STATUS_CLASSES.length];
    for (int i = 0; i < counters.length; i++) {
      counters[i] = Counter.builder(name)
          .description(description)
          .tag(tag, value)
          .tag("status", STATUS_CLASSES[i])
          .register(registry);
    }
    return counters;
  }

  private Counter[] countersFor(String route) {
    Counter[] counters = new Counter[STATUS_CLASSES.length];
    for (int i = 0; i < counters.length; i++) {
      counters[i] = Counter.builder("archway.requests")
          .description("Requests answered by the proxy, by route and status class")
          .tag("route", route)
          .tag("status", STATUS_CLASSES[i])
          .register(registry);
    }
    return counters;
  }

  /** Registers the gauge of client connections open on {@code listeners}. */
  public void downstreamConnections(ListenerSet listeners) {
    Gauge.builder("archway.downstream.connections", listeners, ListenerSet::openConnections)
        .description("Client connections open on all proxy listeners")
        .register(registry);
  }

  synchronized void configApplied(String version, long nanos) {
    applied.increment();
    reloadDuration.record(nanos, TimeUnit.NANOSECONDS);
    if (versionInfo != null) {
      registry.remove(versionInfo);
    }
    versionInfo = Gauge.builder("archway.config.info", () -> 1)
        .description("The applied config, its version as a label")
        .tag("version", version)
        .register(registry);
  }

  void configRejected() {
    rejected.increment();
  }
}
