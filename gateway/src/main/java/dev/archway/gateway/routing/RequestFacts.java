package dev.archway.gateway.routing;

/** What routing may look at in a request; implemented over the live request by the proxy. */
public interface RequestFacts {

  /** The Host header as received (any case, optional port), or null. */
  String host();

  /** The path without query; may be empty. */
  String path();

  /** The method in upper case. */
  String method();

  /** First value of a header, name compared case-insensitively; null when absent. */
  String header(String name);

  /** First value of a query parameter, name compared exactly; null when absent. */
  String queryParam(String name);

  /** Facts of a GET with no headers and no query, for tests and tools. */
  static RequestFacts of(String host, String path) {
    return new RequestFacts() {
      @Override
      public String host() {
        return host;
      }

      @Override
      public String path() {
        return path;
      }

      @Override
      public String method() {
        return "GET";
      }

      @Override
      public String header(String name) {
        return null;
      }

      @Override
      public String queryParam(String name) {
        return null;
      }
    };
  }
}
