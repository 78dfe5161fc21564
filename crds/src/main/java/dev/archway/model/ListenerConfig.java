package dev.archway.model;

/**
 * A proxy port.
 *
 * @param name listener name, unique in the config
 * @param port TCP port the gateway listens on
 * @param protocol {@code HTTP}
 */
public record ListenerConfig(String name, int port, String protocol) {}
