package dev.archway.model;

import dev.archway.model.MatchConfig.PathMatchConfig;
import dev.archway.model.MatchConfig.ValueMatch;
import dev.archway.model.RouteFilters.DirectResponse;
import dev.archway.model.RouteFilters.HeaderModifier;
import dev.archway.model.RouteFilters.UrlRewrite;
import dev.archway.model.ServiceConfig.HashPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Checks the rules of a config that its types alone cannot express. */
public final class ConfigValidator {

  /** An exact host name, or a wildcard {@code *.} followed by one. */
  public static final Pattern HOST =
      Pattern.compile("^(\\*\\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$");
  /** An HTTP token (RFC 9110): header names and methods. */
  public static final Pattern TOKEN = Pattern.compile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$");
  private static final Set<String> LOAD_BALANCERS = Set.of(
      ServiceConfig.ROUND_ROBIN, ServiceConfig.LEAST_REQUEST, ServiceConfig.CONSISTENT_HASH, ServiceConfig.RANDOM);
  private static final Pattern STATUS_RANGE = Pattern.compile("^([1-5][0-9][0-9])(-([1-5][0-9][0-9]))?$");

  private ConfigValidator() {}

  /**
   * Throws on broken rules.
   *
   * @throws ConfigException whose message names each field, e.g. {@code routes[2].backends[0].service}
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
      if (ListenerConfig.HTTP.equals(l.protocol())) {
        if (l.tls() != null) {
          problems.add(at + ".tls: only for protocol HTTPS");
        }
      } else if (ListenerConfig.HTTPS.equals(l.protocol())) {
        tls(l.tls(), at + ".tls", problems);
      } else {
        problems.add(at + ".protocol: " + l.protocol() + " is not HTTP or HTTPS");
      }
    }
    Set<String> services = new HashSet<>();
    for (int i = 0; i < config.services().size(); i++) {
      service(config.services().get(i), "services[" + i + "]", services, problems);
    }
    for (int i = 0; i < config.routes().size(); i++) {
      route(config.routes().get(i), "routes[" + i + "]", services, problems);
    }
    return problems;
  }

  private static void tls(ListenerConfig.Tls tls, String at, List<String> problems) {
    if (tls == null || tls.certificates().isEmpty()) {
      problems.add(at + ".certificates: protocol HTTPS needs at least one certificate");
      return;
    }
    for (int c = 0; c < tls.certificates().size(); c++) {
      ListenerConfig.CertificateFiles files = tls.certificates().get(c);
      String cat = at + ".certificates[" + c + "]";
      if (files == null || files.certFile() == null || files.certFile().isBlank()) {
        problems.add(cat + ".certFile: must name a PEM file");
      }
      if (files == null || files.keyFile() == null || files.keyFile().isBlank()) {
        problems.add(cat + ".keyFile: must name a PEM file");
      }
    }
  }

  private static void service(ServiceConfig s, String at, Set<String> names, List<String> problems) {
    if (s.name() == null || s.name().isEmpty()) {
      problems.add(at + ".name: must not be empty");
    } else if (!names.add(s.name())) {
      problems.add(at + ".name: duplicate service " + s.name());
    }
    if (!LOAD_BALANCERS.contains(s.loadBalancer())) {
      problems.add(at + ".loadBalancer: " + s.loadBalancer() + " is not one of " + LOAD_BALANCERS);
    }
    HashPolicy hash = s.hash();
    if (ServiceConfig.CONSISTENT_HASH.equals(s.loadBalancer())) {
      if (hash == null) {
        problems.add(at + ".hash: required for ConsistentHash");
      } else if (HashPolicy.CLIENT_ADDRESS.equals(hash.source())) {
        // no name needed
      } else if (HashPolicy.HEADER.equals(hash.source()) || HashPolicy.COOKIE.equals(hash.source())) {
        if (hash.name() == null || !TOKEN.matcher(hash.name()).matches()) {
          problems.add(at + ".hash.name: a header or cookie name is required for " + hash.source());
        }
      } else {
        problems.add(at + ".hash.source: " + hash.source() + " is not Header, Cookie or ClientAddress");
      }
    } else if (hash != null) {
      problems.add(at + ".hash: only for loadBalancer ConsistentHash");
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
    ServiceConfig.HealthCheck hc = s.healthCheck();
    if (hc != null) {
      if (hc.path() == null || !hc.path().startsWith("/")) {
        problems.add(at + ".healthCheck.path: must start with '/'");
      }
      positive(hc.intervalMillis(), at + ".healthCheck.intervalMillis", problems);
      positive(hc.timeoutMillis(), at + ".healthCheck.timeoutMillis", problems);
      positive(hc.healthyThreshold(), at + ".healthCheck.healthyThreshold", problems);
      positive(hc.unhealthyThreshold(), at + ".healthCheck.unhealthyThreshold", problems);
      for (int r = 0; r < hc.expectedStatuses().size(); r++) {
        var m = STATUS_RANGE.matcher(String.valueOf(hc.expectedStatuses().get(r)));
        if (!m.matches() || (m.group(3) != null && Integer.parseInt(m.group(3)) < Integer.parseInt(m.group(1)))) {
          problems.add(at + ".healthCheck.expectedStatuses[" + r + "]: " + hc.expectedStatuses().get(r)
              + " is not a status or range like 200-399");
        }
      }
    }
    ServiceConfig.OutlierDetection od = s.outlierDetection();
    if (od != null) {
      positive(od.consecutiveFailures(), at + ".outlierDetection.consecutiveFailures", problems);
      positive(od.baseEjectionMillis(), at + ".outlierDetection.baseEjectionMillis", problems);
      if (od.maxEjectionMillis() < od.baseEjectionMillis()) {
        problems.add(at + ".outlierDetection.maxEjectionMillis: must not be below baseEjectionMillis");
      }
      if (od.maxEjectedPercent() < 0 || od.maxEjectedPercent() > 100) {
        problems.add(at + ".outlierDetection.maxEjectedPercent: must be 0-100");
      }
    }
    ServiceConfig.Timeouts to = s.timeouts();
    if (to != null && (to.connectMillis() < 0 || to.requestMillis() < 0 || to.idleMillis() < 0)) {
      problems.add(at + ".timeouts: must not be negative");
    }
    ServiceConfig.RetryPolicy rp = s.retry();
    if (rp != null) {
      if (rp.attempts() < 0 || rp.attempts() > 10) {
        problems.add(at + ".retry.attempts: must be 0-10");
      }
      if (rp.perTryTimeoutMillis() < 0) {
        problems.add(at + ".retry.perTryTimeoutMillis: must not be negative");
      }
      if (rp.budgetPercent() < 0 || rp.budgetPercent() > 100) {
        problems.add(at + ".retry.budgetPercent: must be 0-100");
      }
      if (rp.minRetriesPerSecond() < 0) {
        problems.add(at + ".retry.minRetriesPerSecond: must not be negative");
      }
      for (int r = 0; r < rp.retryOn().size(); r++) {
        Integer code = rp.retryOn().get(r);
        if (code == null || code < 500 || code > 599) {
          problems.add(at + ".retry.retryOn[" + r + "]: " + code + " is not a 5xx status");
        }
      }
    }
  }

  private static void route(RouteConfig r, String at, Set<String> services, List<String> problems) {
    if (r.name() == null || r.name().isEmpty()) {
      problems.add(at + ".name: must not be empty");
    }
    for (int h = 0; h < r.hosts().size(); h++) {
      String host = r.hosts().get(h);
      if (host == null || !HOST.matcher(host).matches()) {
        problems.add(at + ".hosts[" + h + "]: " + host
            + " must be a lower-case host name without port, optionally starting with '*.'");
      }
    }
    if (r.matches().isEmpty()) {
      problems.add(at + ".matches: must hold at least one match");
    }
    boolean allPrefix = true;
    for (int m = 0; m < r.matches().size(); m++) {
      MatchConfig match = r.matches().get(m);
      String mat = at + ".matches[" + m + "]";
      PathMatchConfig path = match.path();
      if (path == null) {
        problems.add(mat + ".path: required");
        allPrefix = false;
      } else {
        allPrefix &= PathMatchConfig.PREFIX.equals(path.type());
        path(path, mat + ".path", problems);
      }
      if (match.method() != null && (!TOKEN.matcher(match.method()).matches()
          || !match.method().equals(match.method().toUpperCase(Locale.ROOT)))) {
        problems.add(mat + ".method: " + match.method() + " is not an upper-case HTTP method");
      }
      values(match.headers(), mat + ".headers", true, problems);
      values(match.queryParams(), mat + ".queryParams", false, problems);
    }
    RouteFilters f = r.filters();
    boolean direct = f != null && f.directResponse() != null;
    if (f != null) {
      headerModifier(f.requestHeaders(), at + ".filters.requestHeaders", problems);
      headerModifier(f.responseHeaders(), at + ".filters.responseHeaders", problems);
      UrlRewrite rw = f.urlRewrite();
      if (rw != null) {
        if (rw.hostname() != null && (!HOST.matcher(rw.hostname()).matches() || rw.hostname().startsWith("*"))) {
          problems.add(at + ".filters.urlRewrite.hostname: " + rw.hostname() + " is not a host name");
        }
        if (rw.pathType() != null) {
          if (!UrlRewrite.REPLACE_PREFIX.equals(rw.pathType()) && !UrlRewrite.REPLACE_FULL.equals(rw.pathType())) {
            problems.add(at + ".filters.urlRewrite.pathType: " + rw.pathType()
                + " is not ReplacePrefixMatch or ReplaceFullPath");
          } else if (rw.path() == null || !rw.path().startsWith("/")) {
            problems.add(at + ".filters.urlRewrite.path: must start with '/'");
          } else if (UrlRewrite.REPLACE_PREFIX.equals(rw.pathType()) && !allPrefix) {
            problems.add(at + ".filters.urlRewrite.pathType: ReplacePrefixMatch needs every match to be a PathPrefix match");
          }
        }
      }
      DirectResponse dr = f.directResponse();
      if (dr != null && (dr.status() < 200 || dr.status() > 599)) {
        problems.add(at + ".filters.directResponse.status: " + dr.status() + " is not 200-599");
      }
    }
    if (direct && !r.backends().isEmpty()) {
      problems.add(at + ".backends: a rule with a directResponse has no backends");
    }
    if (!direct && r.backends().isEmpty()) {
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

  private static void path(PathMatchConfig path, String at, List<String> problems) {
    String value = path.value();
    switch (String.valueOf(path.type())) {
      case PathMatchConfig.EXACT, PathMatchConfig.PREFIX -> {
        if (value == null || !value.startsWith("/")) {
          problems.add(at + ".value: " + value + " does not start with '/'");
        }
      }
      case PathMatchConfig.REGEX -> regex(value, at + ".value", problems);
      default -> problems.add(at + ".type: " + path.type() + " is not Exact, PathPrefix or RegularExpression");
    }
  }

  private static void values(List<ValueMatch> matches, String at, boolean header, List<String> problems) {
    for (int i = 0; i < matches.size(); i++) {
      ValueMatch v = matches.get(i);
      String vat = at + "[" + i + "]";
      if (v.name() == null || v.name().isEmpty() || (header && !TOKEN.matcher(v.name()).matches())) {
        problems.add(vat + ".name: " + v.name() + " is not a valid " + (header ? "header" : "parameter") + " name");
      }
      if (ValueMatch.REGEX.equals(v.type())) {
        regex(v.value(), vat + ".value", problems);
      } else if (!ValueMatch.EXACT.equals(v.type())) {
        problems.add(vat + ".type: " + v.type() + " is not Exact or RegularExpression");
      } else if (v.value() == null) {
        problems.add(vat + ".value: required");
      }
    }
  }

  private static void headerModifier(HeaderModifier m, String at, List<String> problems) {
    if (m == null) {
      return;
    }
    for (int i = 0; i < m.set().size(); i++) {
      header(m.set().get(i), at + ".set[" + i + "]", problems);
    }
    for (int i = 0; i < m.add().size(); i++) {
      header(m.add().get(i), at + ".add[" + i + "]", problems);
    }
    for (int i = 0; i < m.remove().size(); i++) {
      String name = m.remove().get(i);
      if (name == null || !TOKEN.matcher(name).matches()) {
        problems.add(at + ".remove[" + i + "]: " + name + " is not a header name");
      }
    }
  }

  private static void header(RouteFilters.Header h, String at, List<String> problems) {
    if (h.name() == null || !TOKEN.matcher(h.name()).matches()) {
      problems.add(at + ".name: " + h.name() + " is not a header name");
    }
    if (h.value() == null || h.value().indexOf('\r') >= 0 || h.value().indexOf('\n') >= 0) {
      problems.add(at + ".value: must be present and hold no line breaks");
    }
  }

  private static void regex(String pattern, String at, List<String> problems) {
    if (pattern == null || pattern.isEmpty()) {
      problems.add(at + ": a regular expression is required");
      return;
    }
    try {
      Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      problems.add(at + ": invalid regular expression: " + e.getDescription() + " near index " + e.getIndex());
    }
  }

  private static void positive(long value, String at, List<String> problems) {
    if (value <= 0) {
      problems.add(at + ": must be greater than 0");
    }
  }
}
