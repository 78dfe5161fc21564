package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** A port on which the gateway pods accept client traffic. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.protocol) || self.protocol != 'HTTPS' || has(self.tls)",
    message = "protocol HTTPS needs tls.certificateRefs")
@ValidationRule(
    value = "(has(self.protocol) && self.protocol == 'HTTPS') || !has(self.tls)",
    message = "tls is only allowed with protocol HTTPS")
public class Listener {

  @JsonPropertyDescription("Name of the listener, unique in the cluster (a DNS label).")
  @Required
  @Pattern("^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$")
  private String name;

  @JsonPropertyDescription("Port the listener opens on the pods and on the Kubernetes Service.")
  @Required
  @Min(1)
  @Max(65535)
  private Integer port;

  @JsonPropertyDescription(
      "Protocol of the listener: HTTP (the default; HTTP/1.1) or HTTPS (TLS terminated by the"
          + " gateway with the certificates of tls.certificateRefs; HTTP/2 and HTTP/1.1 by ALPN).")
  @Default("HTTP")
  private ListenerProtocol protocol = ListenerProtocol.HTTP;

  @JsonPropertyDescription(
      "TLS settings of an HTTPS listener; required for protocol HTTPS, not allowed for HTTP.")
  private ListenerTls tls;

  public Listener() {}

  public Listener(String name, int port) {
    this.name = name;
    this.port = port;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Integer getPort() {
    return port;
  }

  public void setPort(Integer port) {
    this.port = port;
  }

  public ListenerProtocol getProtocol() {
    return protocol;
  }

  public void setProtocol(ListenerProtocol protocol) {
    this.protocol = protocol;
  }

  public ListenerTls getTls() {
    return tls;
  }

  public void setTls(ListenerTls tls) {
    this.tls = tls;
  }

  /** Protocols a listener may speak. */
  public enum ListenerProtocol {
    HTTP,
    HTTPS
  }
}
