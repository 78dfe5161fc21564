package dev.archway.operator.upgrade;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The counters of one gateway pod that a canary is judged by, read from its Prometheus text
 * exposition: answers by status class and the latency histogram, each summed over routes.
 *
 * @param requests answers counted by {@code archway_requests_total}, every status class
 * @param serverErrors answers with status class {@code 5xx}
 * @param latencyBuckets cumulative counts of {@code archway_request_duration_seconds_bucket} by
 *     upper bound in seconds ({@code +Inf} as {@link Double#POSITIVE_INFINITY})
 */
public record PodMetrics(double requests, double serverErrors, NavigableMap<Double, Double> latencyBuckets) {

  static final String REQUESTS = "archway_requests_total";
  static final String BUCKETS = "archway_request_duration_seconds_bucket";

  public PodMetrics {
    latencyBuckets = Collections.unmodifiableNavigableMap(new TreeMap<>(latencyBuckets));
  }

  /** Reads the text format (Prometheus 0.0.4 or OpenMetrics); unknown series are skipped. */
  public static PodMetrics parse(String exposition) {
    double requests = 0;
    double errors = 0;
    TreeMap<Double, Double> buckets = new TreeMap<>();
    for (String line : exposition.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#') {
        continue;
      }
      boolean isRequests = line.startsWith(REQUESTS + "{") || line.startsWith(REQUESTS + " ");
      boolean isBucket = line.startsWith(BUCKETS + "{");
      if (!isRequests && !isBucket) {
        continue;
      }
      Sample sample = Sample.parse(line);
      if (isRequests) {
        requests += sample.value();
        if ("5xx".equals(sample.labels().get("status"))) {
          errors += sample.value();
        }
      } else {
        String le = sample.labels().get("le");
        if (le != null) {
          buckets.merge(bound(le), sample.value(), Double::sum);
        }
      }
    }
    return new PodMetrics(requests, errors, buckets);
  }

  /** This pod's counts since {@code earlier}; a pod whose counters went back restarted and counts from zero. */
  PodMetrics since(PodMetrics earlier) {
    if (earlier == null || requests < earlier.requests) {
      return this;
    }
    TreeMap<Double, Double> delta = new TreeMap<>();
    latencyBuckets.forEach((le, count) -> delta.put(le, Math.max(0, count - earlier.latencyBuckets.getOrDefault(le, 0.0))));
    return new PodMetrics(requests - earlier.requests, Math.max(0, serverErrors - earlier.serverErrors), delta);
  }

  PodMetrics plus(PodMetrics other) {
    TreeMap<Double, Double> sum = new TreeMap<>(latencyBuckets);
    other.latencyBuckets.forEach((le, count) -> sum.merge(le, count, Double::sum));
    return new PodMetrics(requests + other.requests, serverErrors + other.serverErrors, sum);
  }

  static PodMetrics empty() {
    return new PodMetrics(0, 0, new TreeMap<>());
  }

  private static double bound(String le) {
    return switch (le) {
      case "+Inf", "Inf", "+inf" -> Double.POSITIVE_INFINITY;
      default -> Double.parseDouble(le);
    };
  }

  /** One line {@code name{a="x",b="y"} value [timestamp]}. */
  record Sample(Map<String, String> labels, double value) {
    static Sample parse(String line) {
      Map<String, String> labels = new TreeMap<>();
      int open = line.indexOf('{');
      int rest;
      if (open >= 0) {
        int i = open + 1;
        while (i < line.length() && line.charAt(i) != '}') {
          int eq = line.indexOf('=', i);
          String key = line.substring(i, eq).trim();
          StringBuilder value = new StringBuilder();
          int j = eq + 2; // after ="
          while (line.charAt(j) != '"') {
            char c = line.charAt(j);
            if (c == '\\') {
              char next = line.charAt(++j);
              value.append(next == 'n' ? '\n' : next);
            } else {
              value.append(c);
            }
            j++;
          }
          labels.put(key, value.toString());
          i = j + 1;
          if (i < line.length() && line.charAt(i) == ',') {
            i++;
          }
        }
        rest = i + 1;
      } else {
        rest = line.indexOf(' ');
      }
      String[] fields = line.substring(rest).trim().split("\\s+");
      return new Sample(labels, Double.parseDouble(fields[0]));
    }
  }
}
