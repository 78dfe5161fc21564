package dev.archway.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * What a rule does to requests and responses (Gateway API HTTPRouteFilter, plus DirectResponse).
 * The field named after the type carries its settings.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(value = "self.type != 'RequestHeaderModifier' || has(self.requestHeaderModifier)",
    message = "requestHeaderModifier is required for type RequestHeaderModifier")
@ValidationRule(value = "self.type != 'ResponseHeaderModifier' || has(self.responseHeaderModifier)",
    message = "responseHeaderModifier is required for type ResponseHeaderModifier")
@ValidationRule(value = "self.type != 'URLRewrite' || has(self.urlRewrite)",
    message = "urlRewrite is required for type URLRewrite")
@ValidationRule(value = "self.type != 'DirectResponse' || has(self.directResponse)",
    message = "directResponse is required for type DirectResponse")
public class RouteFilter {

  @JsonPropertyDescription("RequestHeaderModifier, ResponseHeaderModifier, URLRewrite or DirectResponse.")
  @Required
  private FilterType type;

  @JsonPropertyDescription("Changes to request headers before forwarding.")
  private HeaderModifier requestHeaderModifier;

  @JsonPropertyDescription("Changes to response headers before they reach the client.")
  private HeaderModifier responseHeaderModifier;

  @JsonPropertyDescription("Changes to host and path before forwarding.")
  private UrlRewrite urlRewrite;

  @JsonPropertyDescription("An answer from the gateway itself; the rule then has no backendRefs.")
  private DirectResponse directResponse;

  public FilterType getType() {
    return type;
  }

  public void setType(FilterType type) {
    this.type = type;
  }

  public HeaderModifier getRequestHeaderModifier() {
    return requestHeaderModifier;
  }

  public void setRequestHeaderModifier(HeaderModifier requestHeaderModifier) {
    this.requestHeaderModifier = requestHeaderModifier;
  }

  public HeaderModifier getResponseHeaderModifier() {
    return responseHeaderModifier;
  }

  public void setResponseHeaderModifier(HeaderModifier responseHeaderModifier) {
    this.responseHeaderModifier = responseHeaderModifier;
  }

  public UrlRewrite getUrlRewrite() {
    return urlRewrite;
  }

  public void setUrlRewrite(UrlRewrite urlRewrite) {
    this.urlRewrite = urlRewrite;
  }

  public DirectResponse getDirectResponse() {
    return directResponse;
  }

  public void setDirectResponse(DirectResponse directResponse) {
    this.directResponse = directResponse;
  }

  /** Kinds of filter. */
  public enum FilterType {
    RequestHeaderModifier,
    ResponseHeaderModifier,
    URLRewrite,
    DirectResponse
  }

  /** Header changes, applied in the order remove, set, add. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class HeaderModifier {
    @JsonPropertyDescription("Headers to replace (or add when absent).")
    @Size(max = 16)
    private List<Header> set = new ArrayList<>();

    @JsonPropertyDescription("Header values to append, keeping existing ones.")
    @Size(max = 16)
    private List<Header> add = new ArrayList<>();

    @JsonPropertyDescription("Header names to drop.")
    @Size(max = 16)
    private List<String> remove = new ArrayList<>();

    public List<Header> getSet() {
      return set;
    }

    public void setSet(List<Header> set) {
      this.set = set;
    }

    public List<Header> getAdd() {
      return add;
    }

    public void setAdd(List<Header> add) {
      this.add = add;
    }

    public List<String> getRemove() {
      return remove;
    }

    public void setRemove(List<String> remove) {
      this.remove = remove;
    }
  }

  /** A header name and value. */
  public static class Header {
    @JsonPropertyDescription("Header name.")
    @Required
    @Pattern("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
    private String name;

    @JsonPropertyDescription("Header value.")
    @Required
    @Size(max = 4096)
    private String value;

    public Header() {}

    public Header(String name, String value) {
      this.name = name;
      this.value = value;
    }

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getValue() {
      return value;
    }

    public void setValue(String value) {
      this.value = value;
    }
  }

  /** Rewrites before forwarding (Gateway API HTTPURLRewriteFilter). */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class UrlRewrite {
    @JsonPropertyDescription("New Host header sent upstream.")
    @Pattern("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
    private String hostname;

    @JsonPropertyDescription("New path sent upstream.")
    private PathRewrite path;

    public String getHostname() {
      return hostname;
    }

    public void setHostname(String hostname) {
      this.hostname = hostname;
    }

    public PathRewrite getPath() {
      return path;
    }

    public void setPath(PathRewrite path) {
      this.path = path;
    }
  }

  /** A path rewrite: replace the matched prefix, or the whole path. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @ValidationRule(value = "self.type != 'ReplacePrefixMatch' || has(self.replacePrefixMatch)",
      message = "replacePrefixMatch is required for type ReplacePrefixMatch")
  @ValidationRule(value = "self.type != 'ReplaceFullPath' || has(self.replaceFullPath)",
      message = "replaceFullPath is required for type ReplaceFullPath")
  public static class PathRewrite {
    @JsonPropertyDescription(
        "ReplacePrefixMatch (the matched prefix is replaced; '/' strips it; only for PathPrefix"
            + " matches) or ReplaceFullPath.")
    @Required
    private PathRewriteType type;

    @JsonPropertyDescription("Replacement of the matched prefix.")
    @Pattern("^/.*$")
    private String replacePrefixMatch;

    @JsonPropertyDescription("Replacement of the whole path.")
    @Pattern("^/.*$")
    private String replaceFullPath;

    public PathRewriteType getType() {
      return type;
    }

    public void setType(PathRewriteType type) {
      this.type = type;
    }

    public String getReplacePrefixMatch() {
      return replacePrefixMatch;
    }

    public void setReplacePrefixMatch(String replacePrefixMatch) {
      this.replacePrefixMatch = replacePrefixMatch;
    }

    public String getReplaceFullPath() {
      return replaceFullPath;
    }

    public void setReplaceFullPath(String replaceFullPath) {
      this.replaceFullPath = replaceFullPath;
    }

    /** Kinds of path rewrite. */
    public enum PathRewriteType {
      ReplacePrefixMatch,
      ReplaceFullPath
    }
  }

  /** An answer from the gateway itself, e.g. a maintenance page. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public static class DirectResponse {
    @JsonPropertyDescription("HTTP status.")
    @Required
    @Min(200)
    @Max(599)
    private Integer status;

    @JsonPropertyDescription("Response body.")
    @Size(max = 65536)
    private String body;

    @JsonPropertyDescription("Content-Type of the body. Defaults to text/plain; charset=utf-8.")
    private String contentType;

    public Integer getStatus() {
      return status;
    }

    public void setStatus(Integer status) {
      this.status = status;
    }

    public String getBody() {
      return body;
    }

    public void setBody(String body) {
      this.body = body;
    }

    public String getContentType() {
      return contentType;
    }

    public void setContentType(String contentType) {
      this.contentType = contentType;
    }
  }
}
