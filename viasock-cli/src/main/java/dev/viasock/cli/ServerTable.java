package dev.viasock.cli;

import dev.viasock.ServerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Renders servers for {@code viasock list}: a table for people, JSON for scripts. */
final class ServerTable {
  private ServerTable() {}

  static String text(List<ServerStatus> servers, Instant now) {
    if (servers.isEmpty()) {
      return "no servers running\n";
    }
    StringBuilder table = new StringBuilder();
    String format = "%-8s %-7s %-7s %-7s %-9s %s%n";
    table.append(String.format(format, "PID", "WORKERS", "UPTIME", "IDLE", "RECORDS", "COMMAND / DIRECTORY / LOG"));
    for (ServerStatus server : servers) {
      table.append(String.format(format,
          server.pid(),
          server.busyWorkers() + "/" + server.workers(),
          duration(Duration.between(server.started(), now)),
          duration(server.idle()),
          server.recordsServed(),
          server.command()));
      table.append(String.format("%-42s in %s%n", "", server.directory()));
      table.append(String.format("%-42s log %s%n", "", server.log()));
    }
    return table.toString();
  }

  static String duration(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return seconds / 60 + "m" + String.format("%02d", seconds % 60) + "s";
    }
    return seconds / 3600 + "h" + String.format("%02d", seconds % 3600 / 60) + "m";
  }

  static String json(List<ServerStatus> servers) {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < servers.size(); i++) {
      ServerStatus server = servers.get(i);
      json.append(i == 0 ? "\n" : ",\n")
          .append("  {\"key\": ").append(string(server.key()))
          .append(", \"pid\": ").append(server.pid())
          .append(", \"command\": ").append(string(server.command()))
          .append(", \"directory\": ").append(string(server.directory().toString()))
          .append(", \"workers\": ").append(server.workers())
          .append(", \"busyWorkers\": ").append(server.busyWorkers())
          .append(", \"started\": ").append(string(server.started().toString()))
          .append(", \"idleSeconds\": ").append(server.idle().toMillis() / 1000.0)
          .append(", \"recordsServed\": ").append(server.recordsServed())
          .append(", \"log\": ").append(server.log() == null ? "null" : string(server.log().toString()))
          .append('}');
    }
    return json.append(servers.isEmpty() ? "]\n" : "\n]\n").toString();
  }

  static String string(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"': quoted.append("\\\""); break;
        case '\\': quoted.append("\\\\"); break;
        case '\n': quoted.append("\\n"); break;
        case '\r': quoted.append("\\r"); break;
        case '\t': quoted.append("\\t"); break;
        default:
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
      }
    }
    return quoted.append('"').toString();
  }
}
