package dev.archway.gateway.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The matches of one host group in HTTPRoute precedence: exact paths (hash), then regular
 * expressions (longest pattern first, scanned: only this group's), then path prefixes (hash per
 * segment boundary, longest first).
 */
final class HostRules {

  static final HostRules EMPTY = new HostRules(Map.of(), new RouteMatch[0], PrefixIndex.EMPTY);

  private final Map<String, RouteMatch[]> exact;
  private final RouteMatch[] regex;
  private final PrefixIndex prefixes;

  private HostRules(Map<String, RouteMatch[]> exact, RouteMatch[] regex, PrefixIndex prefixes) {
    this.exact = exact;
    this.regex = regex;
    this.prefixes = prefixes;
  }

  RouteMatch match(RequestFacts request) {
    String path = request.path();
    if (path == null || path.isEmpty()) {
      path = "/";
    }
    if (!exact.isEmpty()) {
      RouteMatch found = PrefixIndex.first(exact.get(path), request);
      if (found != null) {
        return found;
      }
    }
    for (RouteMatch candidate : regex) {
      if (candidate.pathMatches(path) && candidate.accepts(request)) {
        return candidate;
      }
    }
    return prefixes.match(path, request);
  }

  /** Collects the matches of one host group. */
  static final class Builder {
    private final String where;
    private final Map<String, List<RouteMatch>> exact = new HashMap<>();
    private final List<RouteMatch> regex = new ArrayList<>();
    private final PrefixIndex.Builder prefixes = new PrefixIndex.Builder();

    Builder(String where) {
      this.where = where;
    }

    /** Adds a match; returns a warning when an earlier match with the same conditions shadows it. */
    String add(RouteMatch match) {
      List<RouteMatch> same = switch (match.pathType()) {
        case "Exact" -> exact.computeIfAbsent(match.path(), p -> new ArrayList<>());
        case "RegularExpression" -> regex;
        default -> prefixes.entries().computeIfAbsent(match.path(), p -> new ArrayList<>());
      };
      for (RouteMatch earlier : same) {
        if (earlier.shadows(match)) {
          same.add(match);
          return match.pathType() + " " + match.path() + " on " + where + " is already taken by "
              + earlier.route() + ", which wins";
        }
      }
      same.add(match);
      return null;
    }

    HostRules build() {
      Map<String, RouteMatch[]> exactBuilt = new HashMap<>();
      exact.forEach((path, list) ->
          exactBuilt.put(path, list.stream().sorted(RouteMatch::compareConditions).toArray(RouteMatch[]::new)));
      return new HostRules(Map.copyOf(exactBuilt),
          regex.stream().sorted(RouteMatch::compareRegex).toArray(RouteMatch[]::new), prefixes.build());
    }
  }
}
