package dev.archway.gateway.routing;

import dev.archway.gateway.upstream.Upstream;
import dev.archway.model.GatewayConfig;
import dev.archway.model.MatchConfig;
import dev.archway.model.RouteConfig;
import dev.archway.model.ServiceConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The routing of one config, compiled for lookups: host group by hash, then path by hash
 * (exact), the group's regular expressions, then path prefix by hash per segment boundary.
 *
 * <p>Host groups are tried most specific first: the exact host, then wildcards from the longest
 * suffix to the shortest, then routes without hosts. A group whose rules match nothing hands
 * the request to the next (the Gateway API's precedence: a more specific host beats any path).
 */
public final class RouteTable {

  private final Map<String, HostRules> exactHosts;
  private final Map<String, HostRules> wildcardHosts;
  private final HostRules anyHost;
  private final Map<String, Upstream> upstreams;
  private final List<String> warnings;

  private RouteTable(
      Map<String, HostRules> exactHosts,
      Map<String, HostRules> wildcardHosts,
      HostRules anyHost,
      Map<String, Upstream> upstreams,
      List<String> warnings) {
    this.exactHosts = exactHosts;
    this.wildcardHosts = wildcardHosts;
    this.anyHost = anyHost;
    this.upstreams = upstreams;
    this.warnings = warnings;
  }

  /** Compiles a validated config with fresh upstreams (no health checks); for tests and tools. */
  public static RouteTable compile(GatewayConfig config) {
    Map<String, Upstream> upstreams = new LinkedHashMap<>();
    for (ServiceConfig service : config.services()) {
      upstreams.put(service.name(), Upstream.standalone(service));
    }
    return compile(config, upstreams);
  }

  /**
   * Compiles a validated config (as returned by {@code ConfigCodec.decode}) against the
   * upstreams of its services, by service name.
   */
  public static RouteTable compile(GatewayConfig config, Map<String, Upstream> upstreams) {
    return compile(config, upstreams, name -> RouteMeters.NONE);
  }

  /**
   * Compiles a validated config against the upstreams of its services, each route counting its
   * answers in {@code meters.apply(routeName)} (one lookup per route name, none per request).
   */
  public static RouteTable compile(
      GatewayConfig config, Map<String, Upstream> upstreams, Function<String, RouteMeters> meters) {
    Map<String, RouteMeters> metersByName = new HashMap<>();
    Map<String, HostRules.Builder> exact = new HashMap<>();
    Map<String, HostRules.Builder> wildcard = new HashMap<>();
    HostRules.Builder any = new HostRules.Builder("any host");
    List<String> warnings = new ArrayList<>();
    int order = 0;
    for (int i = 0; i < config.routes().size(); i++) {
      RouteConfig rc = config.routes().get(i);
      Route route = compileRoute(rc, upstreams, metersByName.computeIfAbsent(rc.name(), meters));
      for (MatchConfig mc : rc.matches()) {
        RouteMatch match = new RouteMatch(route, mc, order++);
        List<HostRules.Builder> groups = new ArrayList<>();
        if (rc.hosts().isEmpty()) {
          groups.add(any);
        }
        for (String host : rc.hosts()) {
          String h = host.toLowerCase(Locale.ROOT);
          groups.add(h.startsWith("*.")
              ? wildcard.computeIfAbsent(h.substring(1), s -> new HostRules.Builder("host " + host))
              : exact.computeIfAbsent(h, s -> new HostRules.Builder("host " + host)));
        }
        for (HostRules.Builder group : groups) {
          String warning = group.add(match);
          if (warning != null) {
            warnings.add("routes[" + i + "] (" + route + "): " + warning);
          }
        }
      }
    }
    return new RouteTable(build(exact), build(wildcard), any.build(), Map.copyOf(upstreams), List.copyOf(warnings));
  }

  private static Map<String, HostRules> build(Map<String, HostRules.Builder> builders) {
    Map<String, HostRules> built = new HashMap<>();
    builders.forEach((host, builder) -> built.put(host, builder.build()));
    return Map.copyOf(built);
  }

  private static Route compileRoute(RouteConfig rc, Map<String, Upstream> upstreams, RouteMeters meters) {
    Upstream[] backends = new Upstream[rc.backends().size()];
    int[] weights = new int[backends.length];
    for (int b = 0; b < backends.length; b++) {
      RouteConfig.Backend backend = rc.backends().get(b);
      backends[b] = upstreams.get(backend.service());
      weights[b] = backend.weight();
    }
    return new Route(rc.name(), rc.rule(), backends, Weights.of(weights), rc.filters(), meters);
  }

  /** The match for a request, or null when no rule takes it. */
  public RouteMatch match(RequestFacts request) {
    String host = null;
    if (!exactHosts.isEmpty() || !wildcardHosts.isEmpty()) {
      host = hostName(request.host());
    }
    if (host != null) {
      if (!exactHosts.isEmpty()) {
        HostRules rules = exactHosts.get(host);
        if (rules != null) {
          RouteMatch found = rules.match(request);
          if (found != null) {
            return found;
          }
        }
      }
      if (!wildcardHosts.isEmpty()) {
        // "*.example.com" is kept as ".example.com"; a label must stand in front of the suffix
        for (int dot = host.indexOf('.', 1); dot > 0; dot = host.indexOf('.', dot + 1)) {
          HostRules rules = wildcardHosts.get(host.substring(dot));
          if (rules != null) {
            RouteMatch found = rules.match(request);
            if (found != null) {
              return found;
            }
          }
        }
      }
    }
    return anyHost.match(request);
  }

  /** The route for a GET to that host and path without headers or query; null when none. */
  public Route match(String hostHeader, String path) {
    RouteMatch found = match(RequestFacts.of(hostHeader, path));
    return found == null ? null : found.route();
  }

  /** The upstream of that service name, or null. */
  public Upstream upstream(String service) {
    return upstreams.get(service);
  }

  /** Matches that compiled but can never be selected because an earlier one has the same conditions. */
  public List<String> warnings() {
    return warnings;
  }

  /** Lower-case host name of a Host header, without port or trailing dot; null when absent. */
  static String hostName(String hostHeader) {
    if (hostHeader == null || hostHeader.isEmpty()) {
      return null;
    }
    int end;
    if (hostHeader.charAt(0) == '[') {
      int close = hostHeader.indexOf(']');
      end = close < 0 ? hostHeader.length() : close + 1;
    } else {
      int colon = hostHeader.indexOf(':');
      end = colon < 0 ? hostHeader.length() : colon;
    }
    if (end > 1 && hostHeader.charAt(end - 1) == '.') {
      end--;
    }
    return hostHeader.substring(0, end).toLowerCase(Locale.ROOT);
  }
}
