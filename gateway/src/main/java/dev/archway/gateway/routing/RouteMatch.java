package dev.archway.gateway.routing;

import dev.archway.model.MatchConfig;
import dev.archway.model.MatchConfig.PathMatchConfig;
import dev.archway.model.MatchConfig.ValueMatch;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One compiled match of a rule: its path condition plus method, header and query conditions.
 * Returned by {@link RouteTable#match}; built once per config, so a lookup allocates nothing.
 */
public final class RouteMatch {

  private final Route route;
  private final String pathType;
  private final String path;
  private final Pattern pattern;
  private final String method;
  private final Condition[] headers;
  private final Condition[] queryParams;
  private final int order;
  private final MatchConfig source;

  RouteMatch(Route route, MatchConfig match, int order) {
    this.route = route;
    this.source = match;
    this.pathType = match.path().type();
    this.path = PathMatchConfig.PREFIX.equals(pathType) ? PrefixIndex.normalize(match.path().value())
        : match.path().value();
    this.pattern = PathMatchConfig.REGEX.equals(pathType) ? Pattern.compile(path) : null;
    this.method = match.method();
    this.headers = match.headers().stream().map(Condition::of).toArray(Condition[]::new);
    this.queryParams = match.queryParams().stream().map(Condition::of).toArray(Condition[]::new);
    this.order = order;
  }

  /** The rule this match selects. */
  public Route route() {
    return route;
  }

  /** {@code Exact}, {@code PathPrefix} or {@code RegularExpression}. */
  public String pathType() {
    return pathType;
  }

  /** The path, the prefix (without trailing '/', except the root) or the pattern. */
  public String path() {
    return path;
  }

  boolean pathMatches(String requestPath) {
    return pattern.matcher(requestPath).matches();
  }

  /** True when method, headers and query parameters all hold; the path was checked by the index. */
  boolean accepts(RequestFacts request) {
    if (method != null && !method.equals(request.method())) {
      return false;
    }
    for (Condition c : headers) {
      if (!c.test(request.header(c.name))) {
        return false;
      }
    }
    for (Condition c : queryParams) {
      if (!c.test(request.queryParam(c.name))) {
        return false;
      }
    }
    return true;
  }

  /** Same path and conditions: the later of two such matches can never be selected. */
  boolean shadows(RouteMatch other) {
    return pathType.equals(other.pathType) && path.equals(other.path)
        && java.util.Objects.equals(method, other.method)
        && source.headers().equals(other.source.headers())
        && source.queryParams().equals(other.source.queryParams());
  }

  /** Gateway API tie-break among equal paths: method, more headers, more query params, document order. */
  static int compareConditions(RouteMatch a, RouteMatch b) {
    if ((a.method == null) != (b.method == null)) {
      return a.method != null ? -1 : 1;
    }
    if (a.headers.length != b.headers.length) {
      return Integer.compare(b.headers.length, a.headers.length);
    }
    if (a.queryParams.length != b.queryParams.length) {
      return Integer.compare(b.queryParams.length, a.queryParams.length);
    }
    return Integer.compare(a.order, b.order);
  }

  /** Longer pattern first, then {@link #compareConditions}. */
  static int compareRegex(RouteMatch a, RouteMatch b) {
    if (a.path.length() != b.path.length()) {
      return Integer.compare(b.path.length(), a.path.length());
    }
    return compareConditions(a, b);
  }

  @Override
  public String toString() {
    return route + " " + pathType + " " + path;
  }

  /** A condition on one header or query value. */
  private record Condition(String name, String exact, Pattern pattern) {

    static Condition of(ValueMatch v) {
      return ValueMatch.REGEX.equals(v.type())
          ? new Condition(v.name(), null, Pattern.compile(v.value()))
          : new Condition(v.name(), v.value(), null);
    }

    boolean test(String value) {
      if (value == null) {
        return false;
      }
      return pattern == null ? exact.equals(value) : pattern.matcher(value).matches();
    }
  }

}
