package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** Where an upstream lives and how requests are spread over its targets. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceSpec {

  @JsonPropertyDescription("Static targets (host and port) that serve this upstream.")
  @Required
  @Size(min = 1, max = 1024)
  private List<Target> targets = new ArrayList<>();

  @JsonPropertyDescription("How requests are spread over the targets. Defaults to RoundRobin.")
  private LoadBalancer loadBalancer = LoadBalancer.RoundRobin;

  public List<Target> getTargets() {
    return targets;
  }

  public void setTargets(List<Target> targets) {
    this.targets = targets;
  }

  public LoadBalancer getLoadBalancer() {
    return loadBalancer;
  }

  public void setLoadBalancer(LoadBalancer loadBalancer) {
    this.loadBalancer = loadBalancer;
  }

  /** Load-balancing algorithms. */
  public enum LoadBalancer {
    RoundRobin
  }
}
