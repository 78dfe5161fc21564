package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;

/** A Kubernetes Service in the referrer's namespace whose ready endpoints serve an upstream. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "type(self.port) == string ? self.port.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')"
        + " : (self.port >= 1 && self.port <= 65535)",
    message = "port must be a port number (1-65535) or a port name (lower-case letters, digits and '-')")
public class KubernetesServiceRef {

  @JsonPropertyDescription("Name of the Kubernetes Service (core v1) in the same namespace.")
  @Required
  @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
  private String name;

  @JsonPropertyDescription(
      "Port of the Kubernetes Service: its number (spec.ports[].port) or its name (spec.ports[].name)."
          + " Requests go to the matching port of each ready endpoint, i.e. the Service's targetPort.")
  @Required
  private IntOrString port;

  public KubernetesServiceRef() {}

  public KubernetesServiceRef(String name, IntOrString port) {
    this.name = name;
    this.port = port;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public IntOrString getPort() {
    return port;
  }

  public void setPort(IntOrString port) {
    this.port = port;
  }
}
