package dev.archway.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Checks the rules of a config that its types alone cannot express. */
public final class ConfigValidator {

  private ConfigValidator() {}

  /**
   * Throws on the first broken rule.
   *
   * @throws ConfigException whose message names the field, e.g. {@code routes[2].backends[0].service}
   */
  public static void validate(GatewayConfig config) {
    List<String> problems = problems(config);
    if (!problems.isEmpty()) {
      throw new ConfigException(String.join("; ", problems));
    }
  }

  /** Every broken rule, each naming its field. */
  public static List<String> problems(GatewayConfig config) {
    List<String> problems = new ArrayList<>();
    Set<String> listenerNames = new HashSet<>();
    Set<Integer> ports = new HashSet<>();
    for (int i = 0; i < config.listeners().size(); i++) {
      ListenerConfig l = config.listeners().get(i);
      String at = "listeners[" + i + "]";
      if (l.name() == null || l.name().isEmpty()) {
        problems.add(at + ".name: must not be empty");
      } else if (!listenerNames.add(l.name())) {
        problems.add(at + ".name: duplicate listener " + l.name());
      }
      if (l.port() < 1 || l.port() > 65535) {
        problems.add(at + ".port: " + l.port() + " is not a TCP port (1-65535)");
      } else if (!ports.add(l.port())) {
        problems.add(at + ".port: " + l.port() + " is used by another listener");
      }
      if (!"HTTP".equals(l.protocol())) {
        problems.add(at + ".protocol: " + l.protocol() + " is not supported (HTTP)");
      }
    }
    Set<String> services = new HashSet<>();
    for (int i = 0; i < config.services().size(); i++) {
      ServiceConfig s = config.services().get(i);
      String at = "services[" + i + "]";
      if (s.name() == null || s.name().isEmpty()) {
        problems.add(at + ".name: must not be empty");
      } else if (!services.add(s.name())) {
        problems.add(at + ".name: duplicate service " + s.name());
      }
      if (!"RoundRobin".equals(s.loadBalancer())) {
        problems.add(at + ".loadBalancer: " + s.loadBalancer() + " is not supported (RoundRobin)");
      }
      for (int t = 0; t < s.targets().size(); t++) {
        ServiceConfig.TargetConfig target = s.targets().get(t);
        String tat = at + ".targets[" + t + "]";
        if (target.host() == null || target.host().isBlank()) {
          problems.add(tat + ".host: must not be empty");
        }
        if (target.port() < 1 || target.port() > 65535) {
          problems.add(tat + ".port: " + target.port() + " is not a TCP port (1-65535)");
        }
        if (target.weight() < 0) {
          problems.add(tat + ".weight: must not be negative");
        }
      }
    }
    for (int i = 0; i < config.routes().size(); i++) {
      RouteConfig r = config.routes().get(i);
      String at = "routes[" + i + "]";
      if (r.name() == null || r.name().isEmpty()) {
        problems.add(at + ".name: must not be empty");
      }
      if (r.pathPrefixes().isEmpty()) {
        problems.add(at + ".pathPrefixes: must name at least one prefix");
      }
      for (int p = 0; p < r.pathPrefixes().size(); p++) {
        String prefix = r.pathPrefixes().get(p);
        if (prefix == null || !prefix.startsWith("/")) {
          problems.add(at + ".pathPrefixes[" + p + "]: " + prefix + " does not start with '/'");
        }
      }
      for (int h = 0; h < r.hosts().size(); h++) {
        String host = r.hosts().get(h);
        if (host == null || host.isEmpty() || !host.equals(host.toLowerCase(java.util.Locale.ROOT))
            || host.contains(":")) {
          problems.add(at + ".hosts[" + h + "]: " + host + " must be a lower-case host name without port");
        }
      }
      if (r.backends().isEmpty()) {
        problems.add(at + ".backends: must name at least one service");
      }
      for (int b = 0; b < r.backends().size(); b++) {
        RouteConfig.Backend backend = r.backends().get(b);
        String bat = at + ".backends[" + b + "]";
        if (!services.contains(backend.service())) {
          problems.add(bat + ".service: unknown service " + backend.service());
        }
        if (backend.weight() < 0) {
          problems.add(bat + ".weight: must not be negative");
        }
      }
    }
    return problems;
  }
}
