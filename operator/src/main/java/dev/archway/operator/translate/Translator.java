package dev.archway.operator.translate;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.ArchwayService;
import dev.archway.api.v1alpha1.BackendRef;
import dev.archway.api.v1alpha1.GatewayCluster;
import dev.archway.api.v1alpha1.Listener;
import dev.archway.api.v1alpha1.RouteMatch;
import dev.archway.api.v1alpha1.RouteRule;
import dev.archway.api.v1alpha1.Target;
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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Custom resources to config model: a pure function, no client calls.
 *
 * <p>A Route that cannot be served is left out of the config with a verdict naming the field at
 * fault; every other Route keeps working.
 */
public final class Translator {

  /** The listener a GatewayCluster gets when its spec names none. */
  public static final ListenerConfig DEFAULT_LISTENER = new ListenerConfig("http", 8080, "HTTP");

  private static final Pattern HOSTNAME =
      Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");

  private Translator() {}

  /**
   * Translates a cluster.
   *
   * @param cluster the GatewayCluster
   * @param routes Routes of the cluster's namespace; those bound to other clusters are ignored
   * @param services Services (archway.dev) of the cluster's namespace
   */
  public static Translation translate(
      GatewayCluster cluster,
      Collection<ArchwayRoute> routes,
      Collection<ArchwayService> services) {
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

    Map<String, RouteVerdict> verdicts = new LinkedHashMap<>();
    List<RouteConfig> routeConfigs = new ArrayList<>();
    Map<String, ServiceConfig> used = new TreeMap<>();
    for (ArchwayRoute route : bound) {
      String key = key(route);
      RouteVerdict verdict = check(route, servicesByName);
      verdicts.put(key, verdict);
      if (!verdict.programmable()) {
        continue;
      }
      List<String> hosts =
          route.getSpec().getHostnames().stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
      List<RouteRule> rules = route.getSpec().getRules();
      for (int i = 0; i < rules.size(); i++) {
        RouteRule rule = rules.get(i);
        List<String> prefixes = new ArrayList<>();
        for (RouteMatch m : rule.getMatches()) {
          prefixes.add(m.getPath() == null ? "/" : m.getPath().getValue());
        }
        if (prefixes.isEmpty()) {
          prefixes.add("/");
        }
        List<RouteConfig.Backend> backends = new ArrayList<>();
        for (BackendRef ref : rule.getBackendRefs()) {
          ArchwayService service = servicesByName.get(ref.getName());
          String serviceKey = key(service);
          used.computeIfAbsent(serviceKey, k -> serviceConfig(k, service));
          backends.add(new RouteConfig.Backend(serviceKey, orDefault(ref.getWeight(), 1)));
        }
        routeConfigs.add(new RouteConfig(key, i, hosts, prefixes, backends));
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
    return new Translation(config, verdicts);
  }

  /** Gateway API precedence among otherwise equal routes: the oldest first, then by name. */
  static final Comparator<ArchwayRoute> OLDEST_FIRST =
      Comparator.comparing(
              (ArchwayRoute r) ->
                  r.getMetadata().getCreationTimestamp() == null
                      ? ""
                      : r.getMetadata().getCreationTimestamp())
          .thenComparing(Translator::key);

  private static RouteVerdict check(ArchwayRoute route, Map<String, ArchwayService> services) {
    List<String> hostnames = route.getSpec().getHostnames();
    for (int i = 0; i < hostnames.size(); i++) {
      String host = hostnames.get(i) == null ? "" : hostnames.get(i).toLowerCase(Locale.ROOT);
      if (host.startsWith("*.")) {
        return RouteVerdict.notAccepted(
            "UnsupportedValue",
            "spec.hostnames[" + i + "]: wildcard host " + host + " is not supported yet");
      }
      if (!HOSTNAME.matcher(host).matches()) {
        return RouteVerdict.notAccepted(
            "InvalidHostname",
            "spec.hostnames[" + i + "]: \"" + hostnames.get(i) + "\" is not a DNS host name");
      }
    }
    List<RouteRule> rules = route.getSpec().getRules();
    if (rules.isEmpty()) {
      return RouteVerdict.notAccepted("NoRules", "spec.rules: at least one rule is required");
    }
    for (int r = 0; r < rules.size(); r++) {
      RouteRule rule = rules.get(r);
      for (int m = 0; m < rule.getMatches().size(); m++) {
        var path = rule.getMatches().get(m).getPath();
        if (path != null && (path.getValue() == null || !path.getValue().startsWith("/"))) {
          return RouteVerdict.notAccepted(
              "InvalidPath",
              "spec.rules[" + r + "].matches[" + m + "].path.value: must start with '/'");
        }
      }
      if (rule.getBackendRefs().isEmpty()) {
        return RouteVerdict.notAccepted(
            "NoBackends", "spec.rules[" + r + "].backendRefs: at least one backend is required");
      }
      for (int b = 0; b < rule.getBackendRefs().size(); b++) {
        String name = rule.getBackendRefs().get(b).getName();
        if (!services.containsKey(name)) {
          return RouteVerdict.unresolved(
              "BackendNotFound",
              "spec.rules[" + r + "].backendRefs[" + b + "].name: Service " + name
                  + " (archway.dev) not found in namespace " + route.getMetadata().getNamespace());
        }
      }
    }
    return RouteVerdict.ok();
  }

  private static List<ListenerConfig> listeners(GatewayCluster cluster) {
    List<Listener> listeners = cluster.getSpec().getListeners();
    if (listeners == null || listeners.isEmpty()) {
      return List.of(DEFAULT_LISTENER);
    }
    return listeners.stream()
        .map(l -> new ListenerConfig(l.getName(), l.getPort(), l.getProtocol() == null ? "HTTP" : l.getProtocol().name()))
        .toList();
  }

  private static ServiceConfig serviceConfig(String key, ArchwayService service) {
    List<ServiceConfig.TargetConfig> targets = new ArrayList<>();
    for (Target t : service.getSpec().getTargets()) {
      targets.add(new ServiceConfig.TargetConfig(t.getHost(), t.getPort(), orDefault(t.getWeight(), 1)));
    }
    String lb = service.getSpec().getLoadBalancer() == null ? "RoundRobin" : service.getSpec().getLoadBalancer().name();
    return new ServiceConfig(key, lb, targets);
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  /** {@code namespace/name} of a resource. */
  public static String key(HasMetadata resource) {
    return resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
  }
}
