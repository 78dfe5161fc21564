package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One upstream endpoint. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Target {

  @JsonPropertyDescription("IP address or DNS name of the target.")
  @Required
  @Pattern("^[A-Za-z0-9]([-A-Za-z0-9.:]*[A-Za-z0-9])?$")
  private String host;

  @JsonPropertyDescription("TCP port of the target.")
  @Required
  @Min(1)
  @Max(65535)
  private Integer port;

  @JsonPropertyDescription("Relative weight of the target. Defaults to 1.")
  @Min(0)
  @Max(1000)
  private Integer weight = 1;

  public Target() {}

  public Target(String host, int port) {
    this.host = host;
    this.port = port;
  }

  public String getHost() {
    return host;
  }

  public void setHost(String host) {
    this.host = host;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public Integer getWeight() {
    return weight;
  }

  public void setWeight(Integer weight) {
    this.weight = weight;
  }
}
