package dev.archway.gateway.proxy;

import dev.archway.gateway.routing.RouteMatch;
import dev.archway.model.MatchConfig.PathMatchConfig;
import dev.archway.model.RouteFilters.UrlRewrite;

/** The path a rule's URL rewrite sends upstream (Gateway API HTTPURLRewriteFilter). */
final class PathRewrite {

  private PathRewrite() {}

  /**
   * Path and query sent upstream: the request's own origin-form URI when the rule does not
   * rewrite the path (kept byte for byte), else the rewritten path with the query.
   */
  static String upstreamUri(io.vertx.core.http.HttpServerRequest request, UrlRewrite rewrite, RouteMatch match) {
    String received = request.uri();
    boolean rewrites = rewrite != null && rewrite.pathType() != null;
    if (!rewrites && received.startsWith("/")) {
      return received;
    }
    String path = request.path() == null || request.path().isEmpty() ? "/" : request.path();
    path = apply(rewrite, match, path);
    return request.query() == null ? path : path + "?" + request.query();
  }

  /** The rewritten path, or {@code path} itself when the rule does not rewrite it. */
  static String apply(UrlRewrite rewrite, RouteMatch match, String path) {
    if (rewrite == null || rewrite.pathType() == null) {
      return path;
    }
    if (UrlRewrite.REPLACE_FULL.equals(rewrite.pathType())) {
      return rewrite.path();
    }
    if (!PathMatchConfig.PREFIX.equals(match.pathType())) {
      return path; // the validator allows ReplacePrefixMatch on prefix matches only
    }
    return replacePrefix(match.path(), rewrite.path(), path);
  }

  /**
   * Replaces the matched {@code prefix} (whole segments, no trailing '/' except the root) of
   * {@code path}: {@code /api} by {@code /} turns {@code /api/x} into {@code /x} and {@code /api}
   * into {@code /}; by {@code /v2} turns {@code /api/x} into {@code /v2/x}.
   */
  static String replacePrefix(String prefix, String replacement, String path) {
    String rest = prefix.equals("/") ? path : path.substring(Math.min(prefix.length(), path.length()));
    // rest is empty or starts with '/': the prefix matched on a segment boundary
    String base = replacement.endsWith("/") ? replacement.substring(0, replacement.length() - 1) : replacement;
    if (rest.isEmpty()) {
      return base.isEmpty() ? "/" : base;
    }
    if (rest.equals("/") && prefix.equals("/")) {
      return base.isEmpty() ? "/" : base;
    }
    return base + rest;
  }
}
