package dev.archway.operator.translate;

import dev.archway.api.v1alpha1.ArchwayRoute;
import dev.archway.api.v1alpha1.BackendRef;
import dev.archway.api.v1alpha1.PathMatch;
import dev.archway.api.v1alpha1.RouteFilter;
import dev.archway.api.v1alpha1.RouteMatch;
import dev.archway.api.v1alpha1.RouteRule;
import dev.archway.api.v1alpha1.ValueMatch;
import dev.archway.model.ConfigValidator;
import dev.archway.model.MatchConfig;
import dev.archway.model.RouteConfig;
import dev.archway.model.RouteFilters;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** One Route to its rule configs, checking what the CRD schema cannot; pure. */
final class RouteRules {

  private RouteRules() {}

  /**
   * Translates a Route.
   *
   * @param serviceKey the config name of a backend Service by its name, or null when it does not
   *     exist
   * @param serviceProblem why a Service that exists cannot be used, by its name; absent when it can
   * @throws RouteProblem naming the field at fault
   */
  static List<RouteConfig> translate(
      ArchwayRoute route, Function<String, String> serviceKey, Map<String, ServiceProblem> serviceProblem)
      throws RouteProblem {
    String key = Translator.key(route);
    List<String> hosts = hosts(route.getSpec().getHostnames());
    List<RouteRule> rules = route.getSpec().getRules();
    if (rules == null || rules.isEmpty()) {
      throw RouteProblem.invalid("NoRules", "spec.rules: at least one rule is required");
    }
    List<RouteConfig> configs = new ArrayList<>();
    for (int r = 0; r < rules.size(); r++) {
      RouteRule rule = rules.get(r);
      String at = "spec.rules[" + r + "]";
      List<MatchConfig> matches = matches(rule.getMatches(), at);
      RouteFilters filters = filters(rule.getFilters(), matches, at);
      boolean direct = filters != null && filters.directResponse() != null;
      List<BackendRef> refs = rule.getBackendRefs() == null ? List.of() : rule.getBackendRefs();
      if (direct && !refs.isEmpty()) {
        throw RouteProblem.invalid("InvalidRule", at + ".backendRefs: a rule with a DirectResponse filter has no backendRefs");
      }
      if (!direct && refs.isEmpty()) {
        throw RouteProblem.invalid("NoBackends", at + ".backendRefs: at least one backend is required");
      }
      List<RouteConfig.Backend> backends = new ArrayList<>();
      for (int b = 0; b < refs.size(); b++) {
        String name = refs.get(b).getName();
        String service = serviceKey.apply(name);
        if (service == null) {
          throw RouteProblem.unresolved("BackendNotFound", at + ".backendRefs[" + b + "].name: Service " + name
              + " (archway.dev) not found in namespace " + route.getMetadata().getNamespace());
        }
        ServiceProblem problem = serviceProblem.get(name);
        if (problem != null) {
          throw RouteProblem.unresolved(problem.reason(), at + ".backendRefs[" + b + "].name: Service " + name
              + " cannot be used: " + problem.message());
        }
        backends.add(new RouteConfig.Backend(service, refs.get(b).getWeight() == null ? 1 : refs.get(b).getWeight()));
      }
      configs.add(new RouteConfig(key, r, hosts, matches, filters, backends));
    }
    return configs;
  }

  private static List<String> hosts(List<String> hostnames) throws RouteProblem {
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < (hostnames == null ? 0 : hostnames.size()); i++) {
      String host = hostnames.get(i) == null ? "" : hostnames.get(i).toLowerCase(Locale.ROOT);
      if (!ConfigValidator.HOST.matcher(host).matches()) {
        throw RouteProblem.invalid("InvalidHostname", "spec.hostnames[" + i + "]: \"" + hostnames.get(i)
            + "\" is not a DNS host name (a wildcard must look like *.example.com)");
      }
      hosts.add(host);
    }
    return hosts;
  }

  private static List<MatchConfig> matches(List<RouteMatch> matches, String at) throws RouteProblem {
    if (matches == null || matches.isEmpty()) {
      return List.of(MatchConfig.prefix("/"));
    }
    List<MatchConfig> out = new ArrayList<>();
    for (int m = 0; m < matches.size(); m++) {
      RouteMatch match = matches.get(m);
      String mat = at + ".matches[" + m + "]";
      PathMatch path = match.getPath();
      MatchConfig.PathMatchConfig pathConfig;
      if (path == null) {
        pathConfig = new MatchConfig.PathMatchConfig(MatchConfig.PathMatchConfig.PREFIX, "/");
      } else {
        PathMatch.PathMatchType type = path.getType() == null ? PathMatch.PathMatchType.PathPrefix : path.getType();
        String value = path.getValue();
        if (type == PathMatch.PathMatchType.RegularExpression) {
          regex(value, mat + ".path.value");
        } else if (value == null || !value.startsWith("/")) {
          throw RouteProblem.invalid("InvalidPath", mat + ".path.value: must start with '/'");
        }
        pathConfig = new MatchConfig.PathMatchConfig(type.name(), value);
      }
      out.add(new MatchConfig(pathConfig, match.getMethod() == null ? null : match.getMethod().name(),
          values(match.getHeaders(), mat + ".headers"), values(match.getQueryParams(), mat + ".queryParams")));
    }
    return out;
  }

  private static List<MatchConfig.ValueMatch> values(List<ValueMatch> values, String at) throws RouteProblem {
    List<MatchConfig.ValueMatch> out = new ArrayList<>();
    for (int i = 0; i < (values == null ? 0 : values.size()); i++) {
      ValueMatch v = values.get(i);
      ValueMatch.MatchType type = v.getType() == null ? ValueMatch.MatchType.Exact : v.getType();
      if (type == ValueMatch.MatchType.RegularExpression) {
        regex(v.getValue(), at + "[" + i + "].value");
      }
      out.add(new MatchConfig.ValueMatch(v.getName(), type.name(), v.getValue()));
    }
    return out;
  }

  private static RouteFilters filters(List<RouteFilter> filters, List<MatchConfig> matches, String at)
      throws RouteProblem {
    if (filters == null || filters.isEmpty()) {
      return null;
    }
    RouteFilters.HeaderModifier request = null;
    RouteFilters.HeaderModifier response = null;
    RouteFilters.UrlRewrite rewrite = null;
    RouteFilters.DirectResponse direct = null;
    EnumSet<RouteFilter.FilterType> seen = EnumSet.noneOf(RouteFilter.FilterType.class);
    for (int i = 0; i < filters.size(); i++) {
      RouteFilter f = filters.get(i);
      String fat = at + ".filters[" + i + "]";
      if (f.getType() == null) {
        throw RouteProblem.invalid("InvalidFilter", fat + ".type: required");
      }
      if (!seen.add(f.getType())) {
        throw RouteProblem.invalid("InvalidFilter", fat + ".type: only one " + f.getType() + " filter per rule");
      }
      switch (f.getType()) {
        case RequestHeaderModifier -> request = headers(f.getRequestHeaderModifier(), fat + ".requestHeaderModifier");
        case ResponseHeaderModifier -> response = headers(f.getResponseHeaderModifier(), fat + ".responseHeaderModifier");
        case URLRewrite -> rewrite = rewrite(f.getUrlRewrite(), matches, fat + ".urlRewrite");
        case DirectResponse -> {
          var d = f.getDirectResponse();
          if (d == null || d.getStatus() == null) {
            throw RouteProblem.invalid("InvalidFilter", fat + ".directResponse.status: required");
          }
          if (d.getStatus() < 200 || d.getStatus() > 599) {
            throw RouteProblem.invalid("InvalidFilter", fat + ".directResponse.status: " + d.getStatus() + " is not 200-599");
          }
          direct = new RouteFilters.DirectResponse(d.getStatus(), d.getBody() == null ? "" : d.getBody(), d.getContentType());
        }
        default -> throw new IllegalStateException("unhandled filter " + f.getType());
      }
    }
    return new RouteFilters(request, response, rewrite, direct);
  }

  private static RouteFilters.HeaderModifier headers(RouteFilter.HeaderModifier m, String at) throws RouteProblem {
    if (m == null) {
      throw RouteProblem.invalid("InvalidFilter", at + ": required for this filter type");
    }
    List<RouteFilters.Header> set = new ArrayList<>();
    for (var h : m.getSet()) {
      set.add(new RouteFilters.Header(h.getName(), h.getValue()));
    }
    List<RouteFilters.Header> add = new ArrayList<>();
    for (var h : m.getAdd()) {
      add.add(new RouteFilters.Header(h.getName(), h.getValue()));
    }
    for (int i = 0; i < set.size() + add.size(); i++) {
      RouteFilters.Header h = i < set.size() ? set.get(i) : add.get(i - set.size());
      String field = i < set.size() ? ".set[" + i + "]" : ".add[" + (i - set.size()) + "]";
      if (h.name() == null || !ConfigValidator.TOKEN.matcher(h.name()).matches()) {
        throw RouteProblem.invalid("InvalidFilter", at + field + ".name: " + h.name() + " is not a header name");
      }
      if (h.value() == null || h.value().contains("\r") || h.value().contains("\n")) {
        throw RouteProblem.invalid("InvalidFilter", at + field + ".value: must be present and hold no line breaks");
      }
    }
    return new RouteFilters.HeaderModifier(set, add, m.getRemove());
  }

  private static RouteFilters.UrlRewrite rewrite(RouteFilter.UrlRewrite r, List<MatchConfig> matches, String at)
      throws RouteProblem {
    if (r == null) {
      throw RouteProblem.invalid("InvalidFilter", at + ": required for this filter type");
    }
    String pathType = null;
    String path = null;
    if (r.getPath() != null) {
      var p = r.getPath();
      if (p.getType() == RouteFilter.PathRewrite.PathRewriteType.ReplacePrefixMatch) {
        boolean allPrefix = matches.stream()
            .allMatch(m -> MatchConfig.PathMatchConfig.PREFIX.equals(m.path().type()));
        if (!allPrefix) {
          throw RouteProblem.invalid("InvalidFilter",
              at + ".path.type: ReplacePrefixMatch needs every match of the rule to be a PathPrefix match");
        }
        pathType = RouteFilters.UrlRewrite.REPLACE_PREFIX;
        path = p.getReplacePrefixMatch();
      } else if (p.getType() == RouteFilter.PathRewrite.PathRewriteType.ReplaceFullPath) {
        pathType = RouteFilters.UrlRewrite.REPLACE_FULL;
        path = p.getReplaceFullPath();
      }
      if (path == null || !path.startsWith("/")) {
        throw RouteProblem.invalid("InvalidFilter", at + ".path: the replacement must start with '/'");
      }
    }
    return new RouteFilters.UrlRewrite(r.getHostname(), pathType, path);
  }

  private static void regex(String pattern, String at) throws RouteProblem {
    if (pattern == null || pattern.isEmpty()) {
      throw RouteProblem.invalid("InvalidRegex", at + ": a regular expression is required");
    }
    try {
      Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw RouteProblem.invalid("InvalidRegex",
          at + ": invalid regular expression: " + e.getDescription() + " near index " + e.getIndex());
    }
  }
}
