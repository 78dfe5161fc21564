package dev.archway.operator.translate;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Collection;
import java.util.List;

/**
 * The Kubernetes Services (core v1) and EndpointSlices (discovery.k8s.io/v1) the translation
 * resolves {@code spec.kubernetesService} of a Service (archway.dev) against: an input like the
 * custom resources, so the translation stays a pure function.
 *
 * @param services Kubernetes Services; those of other namespaces are ignored
 * @param endpointSlices EndpointSlices, tied to their Service by {@value #SERVICE_NAME_LABEL}
 */
public record KubernetesEndpoints(Collection<Service> services, Collection<EndpointSlice> endpointSlices) {

  /** The label on an EndpointSlice that names the Kubernetes Service it belongs to. */
  public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

  /** No Kubernetes Services at all. */
  public static final KubernetesEndpoints NONE = new KubernetesEndpoints(List.of(), List.of());

  public KubernetesEndpoints {
    services = services == null ? List.of() : services;
    endpointSlices = endpointSlices == null ? List.of() : endpointSlices;
  }
}
