package dev.archway.gateway.routing;

import java.util.HashMap;
import java.util.Map;

/**
 * Path prefixes of the routes for one host, matched on whole segments, longest first.
 *
 * <p>A lookup tries the request path cut at each of its segment boundaries (at most as long as
 * the longest prefix), longest first: a handful of hash lookups whatever the number of routes.
 */
final class PrefixIndex {

  static final PrefixIndex EMPTY = new PrefixIndex(Map.of(), null, 0);

  private final Map<String, Route> byPrefix;
  private final Route root;
  private final int longest;

  private PrefixIndex(Map<String, Route> byPrefix, Route root, int longest) {
    this.byPrefix = byPrefix;
    this.root = root;
    this.longest = longest;
  }

  Route match(String path) {
    if (path == null || path.isEmpty() || path.charAt(0) != '/') {
      return root;
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
      Route route = byPrefix.get(path.substring(0, end));
      if (route != null) {
        return route;
      }
      end = path.lastIndexOf('/', end - 1);
    }
    return root;
  }

  /** "/api/" and "/api" are the same prefix; "/" stays "/". */
  static String normalize(String prefix) {
    int end = prefix.length();
    while (end > 1 && prefix.charAt(end - 1) == '/') {
      end--;
    }
    return prefix.substring(0, end);
  }

  /** Collects prefixes; the first route to claim a prefix keeps it. */
  static final class Builder {
    private final Map<String, Route> byPrefix = new HashMap<>();
    private Route root;
    private int longest;

    /** Returns the route that already held the prefix, or null when {@code route} took it. */
    Route add(String prefix, Route route) {
      String normalized = normalize(prefix);
      if (normalized.equals("/")) {
        if (root != null) {
          return root;
        }
        root = route;
        return null;
      }
      Route holder = byPrefix.putIfAbsent(normalized, route);
      if (holder == null) {
        longest = Math.max(longest, normalized.length());
      }
      return holder;
    }

    PrefixIndex build() {
      return new PrefixIndex(Map.copyOf(byPrefix), root, longest);
    }
  }
}
