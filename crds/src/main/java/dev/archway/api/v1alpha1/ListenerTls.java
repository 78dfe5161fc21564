package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** Certificates an HTTPS listener presents; the client's SNI server name picks one. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ListenerTls {

  /** Most certificates one listener can hold. */
  public static final int MAX_CERTIFICATES = 16;

  @JsonPropertyDescription(
      "Secrets of type kubernetes.io/tls (keys tls.crt and tls.key) in the GatewayCluster's"
          + " namespace. The gateway presents the certificate whose subject alternative names"
          + " match the server name (SNI) the client asks for; the first one when none matches or"
          + " the client sends no server name. A renewed Secret is picked up without a restart.")
  @Required
  @Size(min = 1, max = MAX_CERTIFICATES)
  private List<LocalObjectRef> certificateRefs = new ArrayList<>();

  public ListenerTls() {}

  public ListenerTls(List<LocalObjectRef> certificateRefs) {
    this.certificateRefs = certificateRefs;
  }

  public List<LocalObjectRef> getCertificateRefs() {
    return certificateRefs;
  }

  public void setCertificateRefs(List<LocalObjectRef> certificateRefs) {
    this.certificateRefs = certificateRefs;
  }
}
