package dev.archway.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What a rule does to requests and responses (Gateway API HTTPRouteFilter, flattened: at most
 * one of each kind per rule). Every field may be null.
 *
 * @param requestHeaders changes to the request headers before it is forwarded
 * @param responseHeaders changes to the response headers before they reach the client
 * @param urlRewrite changes to host and path before forwarding
 * @param directResponse answer from the gateway itself; the rule then has no backends
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record RouteFilters(
    HeaderModifier requestHeaders,
    HeaderModifier responseHeaders,
    UrlRewrite urlRewrite,
    DirectResponse directResponse) {

  /**
   * Header changes, applied in the order remove, set, add.
   *
   * @param set replace the header (or add it when absent)
   * @param add append a value, keeping existing ones
   * @param remove header names to drop
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record HeaderModifier(List<Header> set, List<Header> add, List<String> remove) {
    public HeaderModifier {
      set = set == null ? List.of() : List.copyOf(set);
      add = add == null ? List.of() : List.copyOf(add);
      remove = remove == null ? List.of() : List.copyOf(remove);
    }
  }

  /** A header name and value. */
  public record Header(String name, String value) {}

  /**
   * Rewrites before forwarding (Gateway API HTTPURLRewriteFilter).
   *
   * @param hostname new Host header, or null to keep the client's
   * @param pathType {@value #REPLACE_PREFIX} (the matched prefix is replaced by {@code path};
   *     {@code path: /} strips the prefix; only for prefix matches) or {@value #REPLACE_FULL}, or
   *     null to keep the path
   * @param path the replacement
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record UrlRewrite(String hostname, String pathType, String path) {
    public static final String REPLACE_PREFIX = "ReplacePrefixMatch";
    public static final String REPLACE_FULL = "ReplaceFullPath";
  }

  /**
   * An answer from the gateway itself, e.g. a maintenance page.
   *
   * @param status HTTP status, 200 to 599
   * @param body response body, may be empty
   * @param contentType Content-Type of the body; null means {@code text/plain; charset=utf-8}
   */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public record DirectResponse(int status, String body, String contentType) {}
}
