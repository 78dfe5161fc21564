package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;

/** Timeouts towards the targets of a Service; empty means the gateway's defaults. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Timeouts {

  @JsonPropertyDescription("Establishing a connection to a target, e.g. 2s.")
  @Pattern(Durations.PATTERN)
  private String connect;

  @JsonPropertyDescription("The whole exchange with the upstream, retries included, e.g. 15s.")
  @Pattern(Durations.PATTERN)
  private String request;

  @JsonPropertyDescription("An idle pooled connection to a target is closed after this, e.g. 60s.")
  @Pattern(Durations.PATTERN)
  private String idle;

  public String getConnect() {
    return connect;
  }

  public void setConnect(String connect) {
    this.connect = connect;
  }

  public String getRequest() {
    return request;
  }

  public void setRequest(String request) {
    this.request = request;
  }

  public String getIdle() {
    return idle;
  }

  public void setIdle(String idle) {
    this.idle = idle;
  }
}
