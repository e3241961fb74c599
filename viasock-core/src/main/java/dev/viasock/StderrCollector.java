package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.collect.EvictingQueue;
import com.google.common.collect.ImmutableList;
import java.io.ByteArrayOutputStream;

/**
 * Turns the program's stderr into log lines and keeps its last lines, which go into the message a client
 * gets when the program fails: the reason is usually there.
 */
final class StderrCollector {
  private static final System.Logger LOG = System.getLogger("dev.viasock.program");
  private static final int TAIL_LINES = 10;
  private static final int MAX_LOGGED_LINE = 4096;

  private final String prefix;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final EvictingQueue<String> tail = EvictingQueue.create(TAIL_LINES);

  StderrCollector(String prefix) {
    this.prefix = prefix;
  }

  synchronized void accept(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] == '\n') {
        endLine();
      } else if (line.size() < MAX_LOGGED_LINE) {
        line.write(bytes[i]);
      }
    }
  }

  synchronized void end() {
    if (line.size() > 0) {
      endLine();
    }
  }

  private void endLine() {
    String text = line.toString(UTF_8);
    line.reset();
    tail.add(text);
    LOG.log(System.Logger.Level.INFO, prefix + text);
  }

  synchronized ImmutableList<String> tail() {
    return ImmutableList.copyOf(tail);
  }
}
