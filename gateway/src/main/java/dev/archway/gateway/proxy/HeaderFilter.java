package dev.archway.gateway.proxy;

import dev.archway.model.RouteFilters.Header;
import dev.archway.model.RouteFilters.HeaderModifier;
import io.vertx.core.MultiMap;

/** A rule's header changes, in the Gateway API's order: remove, then set, then add. */
final class HeaderFilter {

  private HeaderFilter() {}

  static void apply(HeaderModifier modifier, MultiMap headers) {
    if (modifier == null) {
      return;
    }
    for (String name : modifier.remove()) {
      headers.remove(name);
    }
    for (Header header : modifier.set()) {
      headers.set(header.name(), header.value());
    }
    for (Header header : modifier.add()) {
      headers.add(header.name(), header.value());
    }
  }
}
