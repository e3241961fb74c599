package dev.viasock;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a {@link Server} is made from.
 *
 * @param key the server's key, for its status
 * @param log its log file, for its status; null when it logs elsewhere
 * @param socketPath where it listens
 * @param staleness says why the server no longer matches its key, or null while it does; null to never check
 * @param environment the program's environment; null to pass this JVM's
 * @param ticker the clock of its timers
 */
record ServerConfig(
    ServerSpec spec,
    String key,
    Path log,
    Path socketPath,
    Supplier<String> staleness,
    Map<String, String> environment,
    Ticker ticker) {}
