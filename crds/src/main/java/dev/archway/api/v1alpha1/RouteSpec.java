package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** Which requests a route takes and where it sends them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteSpec {

  @JsonPropertyDescription("The GatewayCluster, in the Route's namespace, that serves this route.")
  @Required
  private LocalObjectRef gatewayClusterRef;

  @JsonPropertyDescription(
      "Host names (the Host header without port) the route answers for: exact (api.example.com)"
          + " or wildcard (*.example.com, one or more labels in front). Empty means any host.")
  @Size(max = 16)
  private List<String> hostnames = new ArrayList<>();

  @JsonPropertyDescription("Rules, each a set of matches and the backends that serve them.")
  @Required
  @Size(min = 1, max = 64)
  private List<RouteRule> rules = new ArrayList<>();

  public LocalObjectRef getGatewayClusterRef() {
    return gatewayClusterRef;
  }

  public void setGatewayClusterRef(LocalObjectRef gatewayClusterRef) {
    this.gatewayClusterRef = gatewayClusterRef;
  }

  public List<String> getHostnames() {
    return hostnames;
  }

  public void setHostnames(List<String> hostnames) {
    this.hostnames = hostnames;
  }

  public List<RouteRule> getRules() {
    return rules;
  }

  public void setRules(List<RouteRule> rules) {
    this.rules = rules;
  }
}
