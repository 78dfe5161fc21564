package dev.archway.operator.translate;

import dev.archway.api.v1alpha1.KubernetesServiceRef;
import dev.archway.model.ServiceConfig.TargetConfig;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** A Kubernetes Service reference to the ready endpoints behind it; pure. */
final class EndpointTargets {

  private EndpointTargets() {}

  /**
   * The targets behind a Kubernetes Service, or why it cannot be used.
   *
   * @param targets ready endpoints at the referenced port, sorted and without duplicates; empty
   *     when none is ready
   * @param problem null when the Service and its port exist
   */
  record Resolved(List<TargetConfig> targets, ServiceProblem problem) {}

  private static final Comparator<TargetConfig> ORDER =
      Comparator.comparing(TargetConfig::host).thenComparingInt(TargetConfig::port);

  /**
   * Resolves {@code spec.kubernetesService} of a Service (archway.dev) in {@code namespace}.
   *
   * <p>The port is the Kubernetes Service's port, by number or name, as in an Ingress or a
   * Gateway API backendRef. EndpointSlices carry the Service port's name with the target port,
   * so each slice's own port of that name is used: pods may expose a named targetPort at
   * different numbers. Endpoints that are not ready or are terminating are left out.
   */
  static Resolved resolve(String namespace, KubernetesServiceRef ref, KubernetesEndpoints in) {
    String name = ref.getName();
    Service service = in.services().stream()
        .filter(s -> namespace.equals(s.getMetadata().getNamespace()) && name.equals(s.getMetadata().getName()))
        .findFirst().orElse(null);
    if (service == null) {
      return problem(ServiceProblem.notFound("spec.kubernetesService.name: Kubernetes Service " + name
          + " not found in namespace " + namespace));
    }
    if ("ExternalName".equals(service.getSpec().getType())) {
      return problem(ServiceProblem.invalid("spec.kubernetesService.name: Kubernetes Service " + name
          + " is of type ExternalName and has no endpoints; name " + service.getSpec().getExternalName()
          + " under spec.targets instead"));
    }
    List<ServicePort> ports = service.getSpec().getPorts() == null ? List.of() : service.getSpec().getPorts();
    ServicePort port = ports.stream().filter(p -> matches(ref, p)).findFirst().orElse(null);
    if (port == null) {
      return problem(ServiceProblem.invalid("spec.kubernetesService.port: Kubernetes Service " + name
          + " has no port " + portText(ref) + " (its ports: "
          + (ports.isEmpty() ? "none" : ports.stream().map(EndpointTargets::describe).collect(Collectors.joining(", ")))
          + ")"));
    }
    String portName = port.getName() == null ? "" : port.getName();
    TreeSet<TargetConfig> targets = new TreeSet<>(ORDER);
    for (EndpointSlice slice : in.endpointSlices()) {
      if (!namespace.equals(slice.getMetadata().getNamespace())
          || slice.getMetadata().getLabels() == null
          || !name.equals(slice.getMetadata().getLabels().get(KubernetesEndpoints.SERVICE_NAME_LABEL))) {
        continue;
      }
      Integer number = slicePort(slice, portName);
      if (number == null) {
        continue;
      }
      for (Endpoint endpoint : slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
        if (!serving(endpoint) || endpoint.getAddresses() == null) {
          continue;
        }
        for (String address : endpoint.getAddresses()) {
          targets.add(new TargetConfig(address, number, 1));
        }
      }
    }
    return new Resolved(List.copyOf(targets), null);
  }

  private static Resolved problem(ServiceProblem problem) {
    return new Resolved(List.of(), problem);
  }

  private static boolean matches(KubernetesServiceRef ref, ServicePort port) {
    if (ref.getPort() == null) {
      return false;
    }
    if (ref.getPort().getIntVal() != null) {
      return Objects.equals(ref.getPort().getIntVal(), port.getPort());
    }
    return Objects.equals(ref.getPort().getStrVal(), port.getName());
  }

  private static String portText(KubernetesServiceRef ref) {
    if (ref.getPort() == null) {
      return "(none given)";
    }
    return ref.getPort().getIntVal() != null ? String.valueOf(ref.getPort().getIntVal())
        : "named " + ref.getPort().getStrVal();
  }

  private static String describe(ServicePort port) {
    return port.getName() == null || port.getName().isEmpty() ? String.valueOf(port.getPort())
        : port.getPort() + " (" + port.getName() + ")";
  }

  /** The slice's number for the Service port of that name; an unnamed port has the name "". */
  private static Integer slicePort(EndpointSlice slice, String portName) {
    for (EndpointPort p : slice.getPorts() == null ? List.<EndpointPort>of() : slice.getPorts()) {
      String n = p.getName() == null ? "" : p.getName();
      if (n.equals(portName) && p.getPort() != null && (p.getProtocol() == null || "TCP".equals(p.getProtocol()))) {
        return p.getPort();
      }
    }
    return null;
  }

  /** Ready and not terminating; an unset condition means ready, as the EndpointSlice API says. */
  private static boolean serving(Endpoint endpoint) {
    var c = endpoint.getConditions();
    if (c == null) {
      return true;
    }
    return !Boolean.FALSE.equals(c.getReady()) && !Boolean.TRUE.equals(c.getTerminating());
  }
}
