package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import java.util.ArrayList;
import java.util.List;

/** Conditions a request must all meet to select a rule (Gateway API HTTPRouteMatch). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RouteMatch {

  @JsonPropertyDescription("Condition on the request path. Defaults to prefix /.")
  private PathMatch path;

  @JsonPropertyDescription("HTTP method the request must have. Empty means any.")
  private HttpMethod method;

  @JsonPropertyDescription("Conditions on request headers; all must hold.")
  @Size(max = 16)
  private List<ValueMatch> headers = new ArrayList<>();

  @JsonPropertyDescription("Conditions on query parameters; all must hold.")
  @Size(max = 16)
  private List<ValueMatch> queryParams = new ArrayList<>();

  public RouteMatch() {}

  public RouteMatch(PathMatch path) {
    this.path = path;
  }

  public PathMatch getPath() {
    return path;
  }

  public void setPath(PathMatch path) {
    this.path = path;
  }

  public HttpMethod getMethod() {
    return method;
  }

  public void setMethod(HttpMethod method) {
    this.method = method;
  }

  public List<ValueMatch> getHeaders() {
    return headers;
  }

  public void setHeaders(List<ValueMatch> headers) {
    this.headers = headers;
  }

  public List<ValueMatch> getQueryParams() {
    return queryParams;
  }

  public void setQueryParams(List<ValueMatch> queryParams) {
    this.queryParams = queryParams;
  }

  /** HTTP methods a match may name. */
  public enum HttpMethod {
    GET, HEAD, POST, PUT, DELETE, CONNECT, OPTIONS, TRACE, PATCH
  }
}
