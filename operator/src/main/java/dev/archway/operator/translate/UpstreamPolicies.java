package dev.archway.operator.translate;

import dev.archway.api.v1alpha1.ArchwayService;
import dev.archway.api.v1alpha1.Durations;
import dev.archway.api.v1alpha1.HashPolicy;
import dev.archway.api.v1alpha1.ServiceSpec;
import dev.archway.api.v1alpha1.Target;
import dev.archway.model.ServiceConfig;
import java.util.ArrayList;
import java.util.List;

/** A Service (archway.dev) to its upstream config, defaults filled in; pure. */
final class UpstreamPolicies {

  private UpstreamPolicies() {}

  /**
   * Translates a Service.
   *
   * @param endpoints the ready endpoints of its {@code spec.kubernetesService}; unused when it
   *     has static targets
   * @throws IllegalArgumentException whose message names the field at fault
   */
  static ServiceConfig translate(String key, ArchwayService service, List<ServiceConfig.TargetConfig> endpoints) {
    ServiceSpec spec = service.getSpec();
    boolean hasTargets = spec.getTargets() != null && !spec.getTargets().isEmpty();
    if (hasTargets == (spec.getKubernetesService() != null)) {
      throw new IllegalArgumentException("spec: exactly one of targets and kubernetesService is required");
    }
    List<ServiceConfig.TargetConfig> targets = new ArrayList<>();
    if (hasTargets) {
      for (Target t : spec.getTargets()) {
        targets.add(new ServiceConfig.TargetConfig(t.getHost(), t.getPort(), or(t.getWeight(), 1)));
      }
    } else {
      targets.addAll(endpoints);
    }
    String lb = spec.getLoadBalancer() == null ? ServiceConfig.ROUND_ROBIN : spec.getLoadBalancer().name();
    ServiceConfig.HashPolicy hash = null;
    if (ServiceConfig.CONSISTENT_HASH.equals(lb)) {
      HashPolicy h = spec.getHash();
      if (h == null || h.getSource() == null) {
        throw new IllegalArgumentException("spec.hash: required when loadBalancer is ConsistentHash");
      }
      if (h.getSource() != HashPolicy.Source.ClientAddress && (h.getName() == null || h.getName().isBlank())) {
        throw new IllegalArgumentException("spec.hash.name: required for source " + h.getSource());
      }
      hash = new ServiceConfig.HashPolicy(h.getSource().name(),
          h.getSource() == HashPolicy.Source.ClientAddress ? null : h.getName());
    } else if (spec.getHash() != null) {
      throw new IllegalArgumentException("spec.hash: only used with loadBalancer ConsistentHash");
    }
    ServiceConfig.HealthCheck health = null;
    if (spec.getHealthCheck() != null) {
      var hc = spec.getHealthCheck();
      health = new ServiceConfig.HealthCheck(hc.getPath(),
          millis(hc.getInterval(), 5_000, "spec.healthCheck.interval"),
          millis(hc.getTimeout(), 1_000, "spec.healthCheck.timeout"),
          or(hc.getHealthyThreshold(), 2), or(hc.getUnhealthyThreshold(), 3),
          hc.getExpectedStatuses() == null || hc.getExpectedStatuses().isEmpty() ? null : hc.getExpectedStatuses());
    }
    ServiceConfig.OutlierDetection outliers = null;
    if (spec.getOutlierDetection() != null) {
      var od = spec.getOutlierDetection();
      long base = millis(od.getBaseEjectionTime(), 30_000, "spec.outlierDetection.baseEjectionTime");
      long max = millis(od.getMaxEjectionTime(), Math.max(300_000, base), "spec.outlierDetection.maxEjectionTime");
      if (max < base) {
        throw new IllegalArgumentException("spec.outlierDetection.maxEjectionTime: must not be shorter than baseEjectionTime");
      }
      outliers = new ServiceConfig.OutlierDetection(or(od.getConsecutiveFailures(), 5), base, max,
          or(od.getMaxEjectedPercent(), 50));
    }
    ServiceConfig.Timeouts timeouts = null;
    if (spec.getTimeouts() != null) {
      var t = spec.getTimeouts();
      timeouts = new ServiceConfig.Timeouts(millis(t.getConnect(), 0, "spec.timeouts.connect"),
          millis(t.getRequest(), 0, "spec.timeouts.request"), millis(t.getIdle(), 0, "spec.timeouts.idle"));
    }
    ServiceConfig.RetryPolicy retry = null;
    if (spec.getRetry() != null) {
      var r = spec.getRetry();
      for (int i = 0; i < r.getRetryOn().size(); i++) {
        Integer code = r.getRetryOn().get(i);
        if (code == null || code < 500 || code > 599) {
          throw new IllegalArgumentException("spec.retry.retryOn[" + i + "]: " + code + " is not a 5xx status");
        }
      }
      retry = new ServiceConfig.RetryPolicy(or(r.getAttempts(), 2),
          millis(r.getPerTryTimeout(), 0, "spec.retry.perTryTimeout"),
          r.getRetryOn().isEmpty() ? null : r.getRetryOn(), or(r.getBudgetPercent(), 20),
          or(r.getMinRetriesPerSecond(), 3));
    }
    return new ServiceConfig(key, lb, hash, targets, health, outliers, timeouts, retry);
  }

  private static long millis(String duration, long fallback, String field) {
    try {
      return Durations.toMillis(duration, fallback);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }

  private static int or(Integer value, int fallback) {
    return value == null ? fallback : value;
  }
}
