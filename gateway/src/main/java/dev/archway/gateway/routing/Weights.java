package dev.archway.gateway.routing;

/** Cumulative weights, reduced by their common divisor, for picking a slot by weight. */
final class Weights {

  private final int[] cumulative;

  private Weights(int[] cumulative) {
    this.cumulative = cumulative;
  }

  /** Weights as given; entries of 0 are never picked. */
  static Weights of(int[] weights) {
    int divisor = 0;
    for (int w : weights) {
      divisor = gcd(divisor, Math.max(w, 0));
    }
    int[] cumulative = new int[weights.length];
    long sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += divisor == 0 ? 0 : Math.max(weights[i], 0) / divisor;
      cumulative[i] = (int) Math.min(sum, Integer.MAX_VALUE);
    }
    return new Weights(cumulative);
  }

  /** Sum of all (reduced) weights; 0 means nothing can be picked. */
  int total() {
    return cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
  }

  /** Index of the entry that owns {@code slot}, for 0 <= slot < total(). */
  int indexOf(int slot) {
    int low = 0;
    int high = cumulative.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (cumulative[mid] > slot) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  private static int gcd(int a, int b) {
    while (b != 0) {
      int t = a % b;
      a = b;
      b = t;
    }
    return a;
  }
}
