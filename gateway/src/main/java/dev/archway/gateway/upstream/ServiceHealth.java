package dev.archway.gateway.upstream;

import dev.archway.model.ServiceConfig;
import dev.archway.model.ServiceConfig.HealthCheck;
import dev.archway.model.ServiceConfig.OutlierDetection;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jboss.logging.Logger;

/**
 * The endpoints of a service and what is known of their health: active HTTP checks (on an
 * event loop, never blocking) and passive ejection of targets that fail live traffic.
 */
public final class ServiceHealth {

  private static final Logger LOG = Logger.getLogger(ServiceHealth.class);

  /** What decides whether a health state can be carried over to a new config. */
  record Key(List<ServiceConfig.TargetConfig> targets, HealthCheck healthCheck, OutlierDetection outlierDetection) {
    static Key of(ServiceConfig config) {
      return new Key(config.targets(), config.healthCheck(), config.outlierDetection());
    }
  }

  private final String service;
  private final Key key;
  private final Endpoint[] endpoints;
  private volatile boolean stopped;

  ServiceHealth(ServiceConfig config) {
    this.service = config.name();
    this.key = Key.of(config);
    this.endpoints = config.targets().stream()
        .filter(t -> t.weight() > 0)
        .map(t -> new Endpoint(new Target(t.host(), t.port()), t.weight()))
        .toArray(Endpoint[]::new);
  }

  Key key() {
    return key;
  }

  Endpoint[] endpoints() {
    return endpoints;
  }

  /** Starts active checks, when the service has them, on {@code vertx}'s event loops. */
  void start(Vertx vertx, HttpClient client) {
    HealthCheck check = key.healthCheck();
    if (check == null) {
      return;
    }
    for (Endpoint endpoint : endpoints) {
      // spread the first checks a little so a large service does not probe all at once
      long first = 1 + ThreadLocalRandom.current().nextLong(Math.max(1, Math.min(check.intervalMillis(), 100)));
      vertx.setTimer(first, id -> probe(vertx, client, check, endpoint));
    }
  }

  /** Stops active checks; passive state stays readable. */
  void stop() {
    stopped = true;
  }

  boolean stopped() {
    return stopped;
  }

  private void probe(Vertx vertx, HttpClient client, HealthCheck check, Endpoint endpoint) {
    if (stopped) {
      return;
    }
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setHost(endpoint.target().host())
        .setPort(endpoint.target().port())
        .setURI(check.path())
        .setConnectTimeout(check.timeoutMillis())
        .setIdleTimeout(check.timeoutMillis())
        .putHeader("user-agent", "archway-health-check");
    client.request(options)
        .compose(request -> request.send().compose(response -> response.body().map(body -> response.statusCode())))
        .onComplete(result -> {
          boolean passed = result.succeeded() && expected(check.expectedStatuses(), result.result());
          checked(endpoint, check, passed, result.succeeded() ? "status " + result.result() : String.valueOf(result.cause()));
          if (!stopped) {
            vertx.setTimer(check.intervalMillis(), id -> probe(vertx, client, check, endpoint));
          }
        });
  }

  private void checked(Endpoint endpoint, HealthCheck check, boolean passed, String detail) {
    if (passed == endpoint.checkedHealthy) {
      endpoint.checkStreak = 0;
      return;
    }
    endpoint.checkStreak++;
    int threshold = passed ? check.healthyThreshold() : check.unhealthyThreshold();
    if (endpoint.checkStreak >= threshold) {
      endpoint.checkStreak = 0;
      endpoint.checkedHealthy = passed;
      LOG.infof("service %s target %s is %s (health check: %s)", service, endpoint.target(),
          passed ? "healthy" : "unhealthy", detail);
    }
  }

  static boolean expected(List<String> ranges, int status) {
    for (String range : ranges) {
      int dash = range.indexOf('-');
      int low = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
      int high = dash < 0 ? low : Integer.parseInt(range.substring(dash + 1));
      if (status >= low && status <= high) {
        return true;
      }
    }
    return false;
  }

  /** A live request to {@code endpoint} got an answer that is not a 5xx. */
  void succeeded(Endpoint endpoint) {
    if (endpoint.consecutiveFailures.get() != 0) {
      endpoint.consecutiveFailures.set(0);
    }
    if (endpoint.ejections != 0 && endpoint.ejectedUntil != 0 && !endpoint.ejected(System.nanoTime())) {
      // back and answering: the next ejection starts from the base time again
      endpoint.ejections = 0;
      endpoint.ejectedUntil = 0;
    }
  }

  /** A live request to {@code endpoint} got a 5xx or could not connect. */
  void failed(Endpoint endpoint) {
    OutlierDetection od = key.outlierDetection();
    if (od == null) {
      return;
    }
    if (endpoint.consecutiveFailures.incrementAndGet() < od.consecutiveFailures()) {
      return;
    }
    synchronized (this) {
      long now = System.nanoTime();
      if (endpoint.ejected(now) || endpoint.consecutiveFailures.get() < od.consecutiveFailures()) {
        return;
      }
      int ejected = 0;
      for (Endpoint e : endpoints) {
        if (e.ejected(now)) {
          ejected++;
        }
      }
      if ((ejected + 1) * 100L > (long) od.maxEjectedPercent() * endpoints.length) {
        return; // ejecting more would leave too little capacity; keep serving from it
      }
      int n = endpoint.ejections;
      long millis = Math.min(od.maxEjectionMillis(), od.baseEjectionMillis() << Math.min(n, 30));
      if (millis <= 0) {
        millis = od.maxEjectionMillis();
      }
      endpoint.ejections = n + 1;
      endpoint.consecutiveFailures.set(0);
      endpoint.ejectedUntil = (now + millis * 1_000_000L) | 1; // never 0: 0 means "not ejected"
      LOG.infof("service %s target %s ejected for %d ms after %d failures in a row", service, endpoint.target(),
          millis, od.consecutiveFailures());
    }
  }
}
