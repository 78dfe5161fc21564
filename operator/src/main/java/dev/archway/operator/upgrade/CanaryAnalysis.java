package dev.archway.operator.upgrade;

import java.util.Map;
import java.util.NavigableMap;

/**
 * The canary verdict from two scrapes of every ready gateway pod: success rate (answers that
 * are not 5xx, of all answers) and p99 latency of the canary pods over the interval between the
 * scrapes, beside the same numbers of the stable pods. Pure: no clock, no network.
 */
public final class CanaryAnalysis {

  private CanaryAnalysis() {}

  /**
   * What the canary must meet.
   *
   * @param minSuccessRate lowest share of non-5xx answers, 0 to 1
   * @param maxP99Millis highest p99 latency in milliseconds; null when latency is not judged
   * @param minRequests canary answers needed before an interval is judged
   */
  public record Thresholds(double minSuccessRate, Double maxP99Millis, long minRequests) {}

  /** Both tracks' pods at one moment, by pod name. */
  public record Scrape(Map<String, PodMetrics> canary, Map<String, PodMetrics> stable) {}

  /**
   * One track's numbers over an interval.
   *
   * @param pods pods scraped at the end of the interval
   * @param requests answers in the interval
   * @param successRate share of non-5xx answers; NaN without answers
   * @param p99Millis 99th percentile latency in ms, interpolated within its histogram bucket; NaN without answers
   */
  public record TrackNumbers(int pods, long requests, double successRate, double p99Millis) {}

  /** Passed, Failed, or Inconclusive when the canary answered too few requests to judge. */
  public enum Outcome {
    Passed,
    Failed,
    Inconclusive
  }

  /** A judgement with its numbers and, in words, why. */
  public record Verdict(Outcome outcome, TrackNumbers canary, TrackNumbers stable, String reason) {}

  public static Verdict judge(Scrape before, Scrape after, Thresholds limits) {
    TrackNumbers canary = numbers(before.canary(), after.canary());
    TrackNumbers stable = numbers(before.stable(), after.stable());
    if (after.canary().isEmpty()) {
      return new Verdict(Outcome.Inconclusive, canary, stable,
          "the metrics of no canary pod could be read (is the management port reachable from the operator?)");
    }
    if (canary.requests() == 0 || canary.requests() < limits.minRequests()) {
      return new Verdict(Outcome.Inconclusive, canary, stable,
          "canary answered " + canary.requests() + " requests, fewer than the " + limits.minRequests()
              + " needed to judge it");
    }
    if (canary.successRate() < limits.minSuccessRate()) {
      return new Verdict(Outcome.Failed, canary, stable,
          String.format(java.util.Locale.ROOT, "canary success rate %.4f is below %.4f (%d requests; stable: %s)",
              canary.successRate(), limits.minSuccessRate(), canary.requests(), describe(stable)));
    }
    if (limits.maxP99Millis() != null && canary.p99Millis() > limits.maxP99Millis()) {
      return new Verdict(Outcome.Failed, canary, stable,
          String.format(java.util.Locale.ROOT, "canary p99 latency %.1fms is above %.1fms (%d requests; stable: %s)",
              canary.p99Millis(), limits.maxP99Millis(), canary.requests(), describe(stable)));
    }
    return new Verdict(Outcome.Passed, canary, stable,
        String.format(java.util.Locale.ROOT, "canary success rate %.4f, p99 %.1fms over %d requests (stable: %s)",
            canary.successRate(), canary.p99Millis(), canary.requests(), describe(stable)));
  }

  private static String describe(TrackNumbers t) {
    return t.requests() == 0 ? "no requests"
        : String.format(java.util.Locale.ROOT, "success rate %.4f, p99 %.1fms over %d requests",
            t.successRate(), t.p99Millis(), t.requests());
  }

  /** Sums the per-pod deltas of one track; pods that are new since the first scrape count from zero. */
  static TrackNumbers numbers(Map<String, PodMetrics> before, Map<String, PodMetrics> after) {
    PodMetrics total = PodMetrics.empty();
    for (var e : after.entrySet()) {
      total = total.plus(e.getValue().since(before.get(e.getKey())));
    }
    long requests = Math.round(total.requests());
    double successRate = requests == 0 ? Double.NaN : 1 - total.serverErrors() / total.requests();
    return new TrackNumbers(after.size(), requests, successRate, quantile(0.99, total.latencyBuckets()) * 1000);
  }

  /**
   * A quantile from cumulative histogram buckets the way Prometheus' histogram_quantile computes
   * it: linear within the bucket that holds the rank; the highest finite bound when the rank
   * falls into the +Inf bucket. NaN without observations.
   */
  static double quantile(double q, NavigableMap<Double, Double> cumulative) {
    if (cumulative.isEmpty()) {
      return Double.NaN;
    }
    double total = cumulative.lastEntry().getValue();
    if (total <= 0) {
      return Double.NaN;
    }
    double rank = q * total;
    double lowerBound = 0;
    double lowerCount = 0;
    for (var e : cumulative.entrySet()) {
      double upper = e.getKey();
      double count = e.getValue();
      if (count >= rank) {
        if (Double.isInfinite(upper)) {
          return lowerBound;
        }
        double inBucket = count - lowerCount;
        return inBucket <= 0 ? upper : lowerBound + (upper - lowerBound) * (rank - lowerCount) / inBucket;
      }
      lowerBound = upper;
      lowerCount = count;
    }
    return lowerBound;
  }
}
