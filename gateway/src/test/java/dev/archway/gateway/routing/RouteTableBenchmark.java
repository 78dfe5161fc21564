package dev.archway.gateway.routing;

import dev.archway.model.GatewayConfig;
import dev.archway.model.ListenerConfig;
import dev.archway.model.MatchConfig;
import dev.archway.model.MatchConfig.PathMatchConfig;
import dev.archway.model.MatchConfig.ValueMatch;
import dev.archway.model.RouteConfig;
import dev.archway.model.ServiceConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Compile time and lookups per second of a large route table (10,000 rules over 500 exact and
 * 50 wildcard hosts, prefixes, exact paths, a few regexes, header conditions). Run by hand:
 *
 * <pre>
 * mvn -pl gateway test-compile && java -cp "gateway/target/test-classes:gateway/target/classes:$(mvn -q -pl gateway \
 *   dependency:build-classpath -Dmdep.outputFile=/dev/stdout)" dev.archway.gateway.routing.RouteTableBenchmark
 * </pre>
 * Prints its numbers; asserts nothing.
 */
public final class RouteTableBenchmark {

  private RouteTableBenchmark() {}

  public static void main(String[] args) {
    List<RouteConfig> routes = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String host = i % 10 == 0 ? "*.w" + (i % 50) + ".example.com" : "h" + (i % 500) + ".example.com";
      List<MatchConfig> matches = List.of(
          MatchConfig.prefix("/svc" + i + "/api"),
          new MatchConfig(new PathMatchConfig(PathMatchConfig.EXACT, "/svc" + i + "/health"), "GET", List.of(),
              List.of()),
          new MatchConfig(new PathMatchConfig(PathMatchConfig.PREFIX, "/svc" + i), null,
              List.of(new ValueMatch("x-canary", ValueMatch.EXACT, "1")), List.of()));
      if (i % 100 == 0) {
        matches = new ArrayList<>(matches);
        matches.add(new MatchConfig(new PathMatchConfig(PathMatchConfig.REGEX, "/r" + i + "/[0-9]+"), null,
            List.of(), List.of()));
      }
      routes.add(new RouteConfig("ns/r" + i, 0, List.of(host), matches, null,
          List.of(new RouteConfig.Backend("ns/svc", 1))));
    }
    GatewayConfig config = new GatewayConfig(1, null, "ns/gw", List.of(new ListenerConfig("http", 8080, "HTTP")),
        routes, List.of(ServiceConfig.of("ns/svc", List.of(new ServiceConfig.TargetConfig("127.0.0.1", 9, 1)))));

    long t0 = System.nanoTime();
    RouteTable table = RouteTable.compile(config);
    System.out.printf("compile: %d rules in %.1f ms%n", routes.size(), (System.nanoTime() - t0) / 1e6);

    RequestFacts[] requests = new RequestFacts[1024];
    for (int i = 0; i < requests.length; i++) {
      int r = (i * 7919) % 10_000;
      String host = r % 10 == 0 ? "a.b.w" + (r % 50) + ".example.com" : "h" + (r % 500) + ".example.com:8080";
      requests[i] = RequestFacts.of(host, "/svc" + r + "/api/users/" + i + "/orders");
    }
    long matched = 0;
    for (int round = 0; round < 5; round++) {
      long n = 0;
      long start = System.nanoTime();
      while (System.nanoTime() - start < 1_000_000_000L) {
        for (RequestFacts request : requests) {
          if (table.match(request) != null) {
            matched++;
          }
        }
        n += requests.length;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("round %d: %.2f M lookups/s, %.0f ns per lookup%n", round, n / seconds / 1e6,
          seconds * 1e9 / n);
    }
    System.out.println("matched " + matched);
  }
}
