package dev.archway.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Conditions that must all hold for a request to match (Gateway API HTTPRouteMatch).
 *
 * @param path condition on the path; never null after translation
 * @param method HTTP method in upper case, or null for any
 * @param headers conditions on request headers (name compared case-insensitively), all must hold
 * @param queryParams conditions on query parameters (name compared exactly), all must hold
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record MatchConfig(PathMatchConfig path, String method, List<ValueMatch> headers, List<ValueMatch> queryParams) {

  public MatchConfig {
    headers = headers == null ? List.of() : List.copyOf(headers);
    queryParams = queryParams == null ? List.of() : List.copyOf(queryParams);
  }

  /** A prefix match on {@code value} and nothing else. */
  public static MatchConfig prefix(String value) {
    return new MatchConfig(new PathMatchConfig(PathMatchConfig.PREFIX, value), null, List.of(), List.of());
  }

  /**
   * A condition on the request path.
   *
   * @param type {@value #EXACT}, {@value #PREFIX} (whole segments: {@code /api} matches
   *     {@code /api/x}, not {@code /apix}) or {@value #REGEX} (Java regex, must match the whole path)
   * @param value the path, prefix or pattern
   */
  public record PathMatchConfig(String type, String value) {
    public static final String EXACT = "Exact";
    public static final String PREFIX = "PathPrefix";
    public static final String REGEX = "RegularExpression";
  }

  /**
   * A condition on a header or query parameter.
   *
   * @param name header or parameter name
   * @param type {@value #EXACT} or {@value #REGEX} (Java regex, must match the whole value)
   * @param value the value or pattern
   */
  public record ValueMatch(String name, String type, String value) {
    public static final String EXACT = "Exact";
    public static final String REGEX = "RegularExpression";
  }
}
