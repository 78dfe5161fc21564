package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** Where an upstream lives and how requests are spread over its targets. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "!has(self.loadBalancer) || self.loadBalancer != 'ConsistentHash' || has(self.hash)",
    message = "hash is required when loadBalancer is ConsistentHash")
@ValidationRule(value = "!has(self.hash) || (has(self.loadBalancer) && self.loadBalancer == 'ConsistentHash')",
    message = "hash is only used with loadBalancer ConsistentHash")
@ValidationRule(value = "has(self.targets) != has(self.kubernetesService)",
    message = "exactly one of targets and kubernetesService is required")
public class ServiceSpec {

  @JsonPropertyDescription(
      "Static targets (host and port) that serve this upstream. Exactly one of targets and"
          + " kubernetesService is set.")
  @Size(min = 1, max = 1024)
  private List<Target> targets;

  @JsonPropertyDescription(
      "A Kubernetes Service whose ready endpoints (from its EndpointSlices) serve this upstream; the"
          + " operator follows them as pods come and go. While it has no ready endpoint, requests get"
          + " 503. Exactly one of targets and kubernetesService is set.")
  private KubernetesServiceRef kubernetesService;

  @JsonPropertyDescription(
      "How requests are spread over the targets: RoundRobin (the default; honours target"
          + " weights), LeastRequest (power of two choices), ConsistentHash (see hash) or Random.")
  @Default("RoundRobin")
  private LoadBalancer loadBalancer = LoadBalancer.RoundRobin;

  @JsonPropertyDescription("What ConsistentHash hashes: a header, a cookie or the client address.")
  private HashPolicy hash;

  @JsonPropertyDescription("Active HTTP health checks of every target.")
  private HealthCheck healthCheck;

  @JsonPropertyDescription("Passive ejection of targets that fail live traffic.")
  private OutlierDetection outlierDetection;

  @JsonPropertyDescription("Timeouts towards the targets.")
  private Timeouts timeouts;

  @JsonPropertyDescription("Retries of idempotent requests on connect failures and 502/503/504.")
  private Retry retry;

  public List<Target> getTargets() {
    return targets;
  }

  public void setTargets(List<Target> targets) {
    this.targets = targets;
  }

  public KubernetesServiceRef getKubernetesService() {
    return kubernetesService;
  }

  public void setKubernetesService(KubernetesServiceRef kubernetesService) {
    this.kubernetesService = kubernetesService;
  }

  public LoadBalancer getLoadBalancer() {
    return loadBalancer;
  }

  public void setLoadBalancer(LoadBalancer loadBalancer) {
    this.loadBalancer = loadBalancer;
  }

  public HashPolicy getHash() {
    return hash;
  }

  public void setHash(HashPolicy hash) {
    this.hash = hash;
  }

  public HealthCheck getHealthCheck() {
    return healthCheck;
  }

  public void setHealthCheck(HealthCheck healthCheck) {
    this.healthCheck = healthCheck;
  }

  public OutlierDetection getOutlierDetection() {
    return outlierDetection;
  }

  public void setOutlierDetection(OutlierDetection outlierDetection) {
    this.outlierDetection = outlierDetection;
  }

  public Timeouts getTimeouts() {
    return timeouts;
  }

  public void setTimeouts(Timeouts timeouts) {
    this.timeouts = timeouts;
  }

  public Retry getRetry() {
    return retry;
  }

  public void setRetry(Retry retry) {
    this.retry = retry;
  }

  /** Load-balancing algorithms. */
  public enum LoadBalancer {
    RoundRobin,
    LeastRequest,
    ConsistentHash,
    Random
  }
}
