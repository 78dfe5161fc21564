package dev.archway.operator.translate;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.ArchwayService;
import dev.archway.api.v1alpha1.BackendRef;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.Listener;
import dev.archway.model.ConfigValidator;
import dev.archway.model.GatewayConfig;
import dev.archway.model.ListenerConfig;
import dev.archway.model.RouteConfig;
import dev.archway.model.ServiceConfig;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Custom resources to config model: a pure function, no client calls.
 *
 * <p>A Route that cannot be served is left out of the config with a verdict naming the field at
 * fault; every other Route keeps working.
 */
public final class Translator {

  /** The listener a GatewayCluster gets when its spec names none. */
  public static final ListenerConfig DEFAULT_LISTENER = new ListenerConfig("http", 8080, "HTTP");


  private Translator() {}

  /** Translates a cluster whose Services have only static targets; see the four-argument form. */
  public static Translation translate(
      GatewayCluster cluster,
      Collection<ArchwayRoute> routes,
      Collection<ArchwayService> services) {
    return translate(cluster, routes, services, KubernetesEndpoints.NONE);
  }

  /**
   * Translates a cluster.
   *
   * @param cluster the GatewayCluster
   * @param routes Routes of the cluster's namespace; those bound to other clusters are ignored
   * @param services Services (archway.dev) of the cluster's namespace
   * @param kubernetes Kubernetes Services and EndpointSlices that {@code spec.kubernetesService}
   *     of a Service is resolved against
   */
  public static Translation translate(
      GatewayCluster cluster,
      Collection<ArchwayRoute> routes,
      Collection<ArchwayService> services,
      KubernetesEndpoints kubernetes) {
    String namespace = cluster.getMetadata().getNamespace();
    Map<String, ArchwayService> servicesByName = new TreeMap<>();
    for (ArchwayService s : services) {
      if (Objects.equals(namespace, s.getMetadata().getNamespace())) {
        servicesByName.put(s.getMetadata().getName(), s);
      }
    }

    List<ArchwayRoute> bound =
        routes.stream()
            .filter(r -> Objects.equals(namespace, r.getMetadata().getNamespace()))
            .filter(r -> r.getSpec() != null && r.getSpec().getGatewayClusterRef() != null)
            .filter(r -> cluster.getMetadata().getName().equals(r.getSpec().getGatewayClusterRef().getName()))
            .sorted(OLDEST_FIRST)
            .toList();

    // by config name (namespace/name), as route backends name them
    Map<String, ServiceConfig> translated = new TreeMap<>();
    Map<String, ServiceProblem> serviceProblems = new TreeMap<>();
    // by Service name: what a Route using it should say although it is served
    Map<String, String> serviceNotes = new TreeMap<>();
    for (var e : servicesByName.entrySet()) {
      ArchwayService service = e.getValue();
      List<ServiceConfig.TargetConfig> endpoints = List.of();
      var ref = service.getSpec().getKubernetesService();
      if (ref != null && (service.getSpec().getTargets() == null || service.getSpec().getTargets().isEmpty())) {
        EndpointTargets.Resolved resolved = EndpointTargets.resolve(namespace, ref, kubernetes);
        if (resolved.problem() != null) {
          serviceProblems.put(e.getKey(), resolved.problem());
          continue;
        }
        endpoints = resolved.targets();
        if (endpoints.isEmpty()) {
          serviceNotes.put(e.getKey(), "backend Service " + e.getKey() + ": Kubernetes Service " + ref.getName()
              + " has no ready endpoints, so requests to it get 503");
        }
      }
      try {
        ServiceConfig config = UpstreamPolicies.translate(key(service), service, endpoints);
        translated.put(config.name(), config);
      } catch (IllegalArgumentException problem) {
        serviceProblems.put(e.getKey(), ServiceProblem.invalid(problem.getMessage()));
      }
    }

    Map<String, RouteVerdict> verdicts = new LinkedHashMap<>();
    List<RouteConfig> routeConfigs = new ArrayList<>();
    Map<String, ServiceConfig> used = new TreeMap<>();
    for (ArchwayRoute route : bound) {
      try {
        List<RouteConfig> rules = RouteRules.translate(route,
            name -> servicesByName.containsKey(name) ? namespace + "/" + name : null, serviceProblems);
        for (RouteConfig rule : rules) {
          for (RouteConfig.Backend b : rule.backends()) {
            used.put(b.service(), translated.get(b.service()));
          }
        }
        routeConfigs.addAll(rules);
        verdicts.put(key(route), verdict(route, serviceNotes));
      } catch (RouteProblem problem) {
        verdicts.put(key(route), problem.verdict());
      }
    }

    GatewayConfig config =
        new GatewayConfig(
                GatewayConfig.SCHEMA_VERSION,
                null,
                key(cluster),
                listeners(cluster),
                routeConfigs,
                List.copyOf(used.values()))
            .withContentVersion();
    List<String> problems = ConfigValidator.problems(config);
    if (!problems.isEmpty()) {
      // the checks above should have caught these: refuse to render rather than ship a broken config
      throw new IllegalStateException("translation of " + key(cluster) + " produced an invalid config: " + problems);
    }
    return new Translation(config, verdicts);
  }

  /** Served; with the notes of the backend Services it names, if any. */
  private static RouteVerdict verdict(ArchwayRoute route, Map<String, String> serviceNotes) {
    if (serviceNotes.isEmpty()) {
      return RouteVerdict.ok();
    }
    Set<String> notes = new TreeSet<>();
    for (var rule : route.getSpec().getRules()) {
      for (var ref : rule.getBackendRefs() == null ? List.<BackendRef>of() : rule.getBackendRefs()) {
        String note = serviceNotes.get(ref.getName());
        if (note != null) {
          notes.add(note);
        }
      }
    }
    return notes.isEmpty() ? RouteVerdict.ok() : RouteVerdict.ok(String.join("; ", notes));
  }

  /** Gateway API precedence among otherwise equal routes: the oldest first, then by name. */
  static final Comparator<ArchwayRoute> OLDEST_FIRST =
      Comparator.comparing(
              (ArchwayRoute r) ->
                  r.getMetadata().getCreationTimestamp() == null
                      ? ""
                      : r.getMetadata().getCreationTimestamp())
          .thenComparing(Translator::key);

  private static List<ListenerConfig> listeners(GatewayCluster cluster) {
    List<Listener> listeners = cluster.getSpec().getListeners();
    if (listeners == null || listeners.isEmpty()) {
      return List.of(DEFAULT_LISTENER);
    }
    return listeners.stream()
        .map(l -> new ListenerConfig(l.getName(), l.getPort(),
            l.getProtocol() == null ? ListenerConfig.HTTP : l.getProtocol().name(), CertificateMounts.tls(l)))
        .toList();
  }

  /** {@code namespace/name} of a resource. */
  public static String key(HasMetadata resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }
}
