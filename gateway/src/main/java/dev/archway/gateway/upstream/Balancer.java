package dev.archway.gateway.upstream;

import dev.archway.model.ServiceConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a healthy endpoint of a service. {@code avoid} (the target of the previous try) is
 * passed over when another healthy endpoint exists.
 */
abstract class Balancer {

  /** An endpoint, or null when none is healthy. */
  abstract Endpoint pick(Endpoint[] endpoints, long now, String hashKey, Endpoint avoid);

  static Balancer of(ServiceConfig config, Endpoint[] endpoints) {
    return switch (config.loadBalancer() == null ? ServiceConfig.ROUND_ROBIN : config.loadBalancer()) {
      case ServiceConfig.LEAST_REQUEST -> new LeastRequest();
      case ServiceConfig.CONSISTENT_HASH -> new HashRing(endpoints);
      case ServiceConfig.RANDOM -> new WeightedRandom();
      default -> new SmoothRoundRobin(endpoints.length);
    };
  }

  static boolean eligible(Endpoint e, long now, Endpoint avoid) {
    return e != avoid && e.healthy(now);
  }

  /** Nginx's smooth weighted round-robin: weights honoured, heavy targets interleaved. */
  static final class SmoothRoundRobin extends Balancer {
    private final long[] current;

    SmoothRoundRobin(int size) {
      current = new long[size];
    }

    @Override
    Endpoint pick(Endpoint[] endpoints, long now, String hashKey, Endpoint avoid) {
      Endpoint found = pick(endpoints, now, avoid);
      return found == null && avoid != null ? pick(endpoints, now, null) : found;
    }

    private synchronized Endpoint pick(Endpoint[] endpoints, long now, Endpoint avoid) {
      long total = 0;
      int best = -1;
      for (int i = 0; i < endpoints.length; i++) {
        Endpoint e = endpoints[i];
        if (!eligible(e, now, avoid)) {
          continue;
        }
        current[i] += e.weight();
        total += e.weight();
        if (best < 0 || current[i] > current[best]) {
          best = i;
        }
      }
      if (best < 0) {
        return null;
      }
      current[best] -= total;
      return endpoints[best];
    }
  }

  /** Power of two choices: of two random healthy endpoints, the one with fewer requests per weight. */
  static final class LeastRequest extends Balancer {
    @Override
    Endpoint pick(Endpoint[] endpoints, long now, String hashKey, Endpoint avoid) {
      Endpoint found = pick(endpoints, now, avoid);
      return found == null && avoid != null ? pick(endpoints, now, null) : found;
    }

    private static Endpoint pick(Endpoint[] endpoints, long now, Endpoint avoid) {
      int count = 0;
      for (Endpoint e : endpoints) {
        if (eligible(e, now, avoid)) {
          count++;
        }
      }
      if (count == 0) {
        return null;
      }
      ThreadLocalRandom random = ThreadLocalRandom.current();
      Endpoint a = nth(endpoints, now, avoid, random.nextInt(count));
      if (count == 1) {
        return a;
      }
      int second = random.nextInt(count - 1);
      Endpoint b = nth(endpoints, now, avoid, second >= indexOf(endpoints, now, avoid, a) ? second + 1 : second);
      // fewer in flight per unit of weight wins: a.inFlight / a.weight < b.inFlight / b.weight
      return (long) a.inFlight() * b.weight() <= (long) b.inFlight() * a.weight() ? a : b;
    }

    private static Endpoint nth(Endpoint[] endpoints, long now, Endpoint avoid, int n) {
      for (Endpoint e : endpoints) {
        if (eligible(e, now, avoid) && n-- == 0) {
          return e;
        }
      }
      throw new IllegalStateException("fewer eligible endpoints than counted");
    }

    private static int indexOf(Endpoint[] endpoints, long now, Endpoint avoid, Endpoint target) {
      int n = 0;
      for (Endpoint e : endpoints) {
        if (e == target) {
          return n;
        }
        if (eligible(e, now, avoid)) {
          n++;
        }
      }
      return n;
    }
  }

  /** Random by weight among the healthy endpoints. */
  static final class WeightedRandom extends Balancer {
    @Override
    Endpoint pick(Endpoint[] endpoints, long now, String hashKey, Endpoint avoid) {
      Endpoint found = pick(endpoints, now, avoid);
      return found == null && avoid != null ? pick(endpoints, now, null) : found;
    }

    static Endpoint pick(Endpoint[] endpoints, long now, Endpoint avoid) {
      long total = 0;
      for (Endpoint e : endpoints) {
        if (eligible(e, now, avoid)) {
          total += e.weight();
        }
      }
      if (total == 0) {
        return null;
      }
      long slot = ThreadLocalRandom.current().nextLong(total);
      for (Endpoint e : endpoints) {
        if (eligible(e, now, avoid)) {
          slot -= e.weight();
          if (slot < 0) {
            return e;
          }
        }
      }
      return null;
    }
  }

  /**
   * Consistent hashing on a ring of virtual nodes (a share per unit of weight): adding or
   * removing one of n targets moves about 1/n of the keys. A key whose owner is unhealthy goes
   * to the next healthy owner clockwise; a request without a key goes to a random target.
   */
  static final class HashRing extends Balancer {
    private static final WeightedRandom RANDOM = new WeightedRandom();
    static final int NODES_PER_TARGET = 160;
    private final long[] points;
    private final int[] owners;

    HashRing(Endpoint[] endpoints) {
      int maxWeight = Arrays.stream(endpoints).mapToInt(Endpoint::weight).max().orElse(1);
      int size = 0;
      int[] nodes = new int[endpoints.length];
      for (int i = 0; i < endpoints.length; i++) {
        nodes[i] = Math.max(1, (int) ((long) NODES_PER_TARGET * endpoints[i].weight() / maxWeight));
        size += nodes[i];
      }
      long[][] ring = new long[size][];
      int n = 0;
      for (int i = 0; i < endpoints.length; i++) {
        for (int v = 0; v < nodes[i]; v++) {
          ring[n++] = new long[] {hash(endpoints[i].target() + "#" + v), i};
        }
      }
      Arrays.sort(ring, (x, y) -> Long.compare(x[0], y[0]));
      points = new long[size];
      owners = new int[size];
      for (int i = 0; i < size; i++) {
        points[i] = ring[i][0];
        owners[i] = (int) ring[i][1];
      }
    }

    @Override
    Endpoint pick(Endpoint[] endpoints, long now, String hashKey, Endpoint avoid) {
      if (hashKey == null || points.length == 0) {
        return RANDOM.pick(endpoints, now, null, avoid);
      }
      Endpoint found = walk(endpoints, now, hash(hashKey), avoid);
      return found == null && avoid != null ? walk(endpoints, now, hash(hashKey), null) : found;
    }

    private Endpoint walk(Endpoint[] endpoints, long now, long h, Endpoint avoid) {
      int start = Arrays.binarySearch(points, h);
      if (start < 0) {
        start = -start - 1;
      }
      for (int i = 0; i < points.length; i++) {
        Endpoint e = endpoints[owners[(start + i) % points.length]];
        if (eligible(e, now, avoid)) {
          return e;
        }
      }
      return null;
    }

    /** 64-bit FNV-1a over UTF-8, then MurmurHash3's finalizer for spread. */
    static long hash(String key) {
      long h = 0xcbf29ce484222325L;
      for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
        h ^= b & 0xff;
        h *= 0x100000001b3L;
      }
      h ^= h >>> 33;
      h *= 0xff51afd7ed558ccdL;
      h ^= h >>> 33;
      h *= 0xc4ceb9fe1a85ec53L;
      h ^= h >>> 33;
      return h;
    }
  }
}
