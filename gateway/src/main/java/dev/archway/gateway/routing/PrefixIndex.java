package dev.archway.gateway.routing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Path-prefix matches of one host group, matched on whole segments, longest first.
 *
 * <p>A lookup tries the request path cut at each of its segment boundaries (at most as long as
 * the longest prefix), longest first: a handful of hash lookups whatever the number of routes.
 * Under one prefix, matches are kept in precedence order (method, headers, query, document order).
 */
final class PrefixIndex {

  static final PrefixIndex EMPTY = new PrefixIndex(Map.of(), null, 0);

  private final Map<String, RouteMatch[]> byPrefix;
  private final RouteMatch[] root;
  private final int longest;

  private PrefixIndex(Map<String, RouteMatch[]> byPrefix, RouteMatch[] root, int longest) {
    this.byPrefix = byPrefix;
    this.root = root;
    this.longest = longest;
  }

  RouteMatch match(String path, RequestFacts request) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      return first(root, request);
    }
    int end = path.length();
    while (end > 1 && path.charAt(end - 1) == '/') {
      end--;
    }
    if (end > longest) {
      // the cut must fall on a segment boundary: the last '/' at or before the longest prefix
      end = path.lastIndexOf('/', longest);
    }
    while (end > 0) {
      RouteMatch[] candidates = byPrefix.get(path.substring(0, end));
      if (candidates != null) {
        RouteMatch found = first(candidates, request);
        if (found != null) {
          return found;
        }
      }
      end = path.lastIndexOf('/', end - 1);
    }
    return first(root, request);
  }

  static RouteMatch first(RouteMatch[] candidates, RequestFacts request) {
    if (candidates == null) {
      return null;
    }
    for (RouteMatch candidate : candidates) {
      if (candidate.accepts(request)) {
        return candidate;
      }
    }
    return null;
  }

  /** "/api/" and "/api" are the same prefix; "/" stays "/". */
  static String normalize(String prefix) {
    int end = prefix.length();
    while (end > 1 && prefix.charAt(end - 1) == '/') {
      end--;
    }
    return prefix.substring(0, end);
  }

  /** Collects prefix matches, then sorts each prefix's list by precedence. */
  static final class Builder {
    private final Map<String, List<RouteMatch>> byPrefix = new HashMap<>();

    void add(RouteMatch match) {
      byPrefix.computeIfAbsent(match.path(), p -> new ArrayList<>()).add(match);
    }

    Map<String, List<RouteMatch>> entries() {
      return byPrefix;
    }

    PrefixIndex build() {
      Map<String, RouteMatch[]> built = new HashMap<>();
      RouteMatch[] root = null;
      int longest = 0;
      for (Map.Entry<String, List<RouteMatch>> e : byPrefix.entrySet()) {
        RouteMatch[] sorted = e.getValue().stream().sorted(RouteMatch::compareConditions).toArray(RouteMatch[]::new);
        if (e.getKey().equals("/")) {
          root = sorted;
        } else {
          built.put(e.getKey(), sorted);
          longest = Math.max(longest, e.getKey().length());
        }
      }
      return new PrefixIndex(Map.copyOf(built), root, longest);
    }
  }
}
