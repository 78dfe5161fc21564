package dev.archway.operator.render;

/**
 * What one Deployment of gateway pods runs: its track, image and pod count.
 *
 * @param track stable (the Deployment named like the cluster) or canary (a second one during a canary upgrade)
 * @param image container image of the gateway
 * @param replicas pods asked for
 */
public record Workload(Track track, String image, int replicas) {

  /** The two kinds of gateway Deployment. */
  public enum Track {
    STABLE,
    CANARY
  }

  public static Workload stable(String image, int replicas) {
    return new Workload(Track.STABLE, image, replicas);
  }

  public static Workload canary(String image, int replicas) {
    return new Workload(Track.CANARY, image, replicas);
  }
}
