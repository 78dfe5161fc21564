package dev.archway.gateway.routing;

import dev.archway.model.GatewayConfig;
import dev.archway.model.RouteConfig;
import dev.archway.model.ServiceConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The routing of one config, compiled for lookups: host by hash, then path prefix by hash.
 *
 * <p>A host listed by some route is matched against those routes first; when none of their
 * prefixes matches, routes without hosts get their turn (the Gateway API's precedence: a more
 * specific host beats any path).
 */
public final class RouteTable {

  private final Map<String, PrefixIndex> byHost;
  private final PrefixIndex anyHost;
  private final Map<String, Upstream> upstreams;
  private final List<String> warnings;

  private RouteTable(
      Map<String, PrefixIndex> byHost,
      PrefixIndex anyHost,
      Map<String, Upstream> upstreams,
      List<String> warnings) {
    this.byHost = byHost;
    this.anyHost = anyHost;
    this.upstreams = upstreams;
    this.warnings = warnings;
  }

  /** Compiles a validated config (as returned by {@code ConfigCodec.decode}). */
  public static RouteTable compile(GatewayConfig config) {
    Map<String, Upstream> upstreams = new LinkedHashMap<>();
    for (ServiceConfig service : config.services()) {
      upstreams.put(service.name(), Upstream.compile(service));
    }
    Map<String, PrefixIndex.Builder> hosts = new HashMap<>();
    PrefixIndex.Builder any = new PrefixIndex.Builder();
    List<String> warnings = new ArrayList<>();
    for (int i = 0; i < config.routes().size(); i++) {
      RouteConfig rc = config.routes().get(i);
      Route route = compileRoute(rc, upstreams);
      for (String prefix : rc.pathPrefixes()) {
        if (rc.hosts().isEmpty()) {
          claim(any, prefix, route, "any host", i, warnings);
        } else {
          for (String host : rc.hosts()) {
            claim(hosts.computeIfAbsent(host, h -> new PrefixIndex.Builder()), prefix, route,
                "host " + host, i, warnings);
          }
        }
      }
    }
    Map<String, PrefixIndex> byHost = new HashMap<>();
    hosts.forEach((host, builder) -> byHost.put(host, builder.build()));
    return new RouteTable(Map.copyOf(byHost), any.build(), Map.copyOf(upstreams), List.copyOf(warnings));
  }

  private static Route compileRoute(RouteConfig rc, Map<String, Upstream> upstreams) {
    Upstream[] backends = new Upstream[rc.backends().size()];
    int[] weights = new int[backends.length];
    for (int b = 0; b < backends.length; b++) {
      RouteConfig.Backend backend = rc.backends().get(b);
      backends[b] = upstreams.get(backend.service());
      weights[b] = backend.weight();
    }
    return new Route(rc.name(), rc.rule(), backends, Weights.of(weights));
  }

  private static void claim(
      PrefixIndex.Builder index, String prefix, Route route, String where, int i, List<String> warnings) {
    Route holder = index.add(prefix, route);
    if (holder != null) {
      warnings.add("routes[" + i + "] (" + route + "): prefix " + prefix + " on " + where
          + " is already taken by " + holder + ", which wins");
    }
  }

  /**
   * The route for a request, or null when none matches.
   *
   * @param hostHeader the Host header as received (any case, optional port), may be null
   * @param path the request path without query
   */
  public Route match(String hostHeader, String path) {
    if (!byHost.isEmpty()) {
      String host = hostName(hostHeader);
      if (host != null) {
        PrefixIndex index = byHost.get(host);
        if (index != null) {
          Route route = index.match(path);
          if (route != null) {
            return route;
          }
        }
      }
    }
    return anyHost.match(path);
  }

  /** The compiled service of that name, or null. */
  public Upstream upstream(String service) {
    return upstreams.get(service);
  }

  /** Prefixes that compiled but can never match because an earlier route holds them. */
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
