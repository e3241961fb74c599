package dev.viasock;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JVM options of viasock's own JVMs, from {@code dev/viasock/jvm-options.properties}: the one place where
 * they are defined, also read by {@code bin/viasock} and the native client. Parsed by the file's own trivial
 * rules (the key up to the first {@code '='}, the value the rest of the line, options separated by spaces),
 * not by {@link java.util.Properties}, so that every reader sees the same options.
 */
final class JvmOptions {
  static final String RESOURCE = "jvm-options.properties";
  private static final Map<String, List<String>> OPTIONS = load();

  private JvmOptions() {}

  /** The options of a server JVM, background or foreground. */
  static List<String> server() {
    return of("server");
  }

  /** The options under {@code key}; a key the file lacks is a build defect. */
  static List<String> of(String key) {
    List<String> options = OPTIONS.get(key);
    if (options == null) {
      throw new IllegalStateException(RESOURCE + " has no line '" + key + "=...'");
    }
    return options;
  }

  private static Map<String, List<String>> load() {
    try (InputStream in = JvmOptions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("viasock-core's " + RESOURCE + " is missing from the class path");
      }
      return parse(new BufferedReader(new InputStreamReader(in, US_ASCII)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read viasock-core's " + RESOURCE, e);
    }
  }

  static Map<String, List<String>> parse(BufferedReader lines) throws IOException {
    Map<String, List<String>> options = new HashMap<>();
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      int equals = line.indexOf('=');
      if (line.isEmpty() || line.startsWith("#") || equals < 0) {
        continue;
      }
      String value = line.substring(equals + 1);
      options.put(line.substring(0, equals), value.isEmpty() ? List.of() : List.of(value.split(" +")));
    }
    return Map.copyOf(options);
  }
}
