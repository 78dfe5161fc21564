package dev.archway.gateway;

import dev.archway.gateway.routing.RouteTable;
import dev.archway.model.GatewayConfig;
import java.time.Instant;

/**
 * A config that passed the whole pipeline, with its compiled routes.
 *
 * @param config the decoded, validated document
 * @param routes its compiled route table
 * @param origin where the document came from
 * @param appliedAt when it went live
 */
public record AppliedConfig(GatewayConfig config, RouteTable routes, String origin, Instant appliedAt) {

  public String version() {
    return config.version();
  }
}
