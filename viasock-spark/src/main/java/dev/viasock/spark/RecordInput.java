package dev.viasock.spark;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import org.apache.spark.TaskContext;

/**
 * A partition's elements as the bytes of input records: each element in UTF-8 and a newline, as
 * {@code RDD.pipe} writes them. Read by viasock's input thread; the partition's iterator runs there with the
 * task's context set, as Spark's own pipe does, so that what the upstream computation records on its task
 * (a shuffle fetch failure, metrics) reaches the right one.
 *
 * <p>A read hands over whole records only, unless one record is larger than the read's buffer.
 */
final class RecordInput extends InputStream {
  private static final byte[] NOTHING = new byte[0];

  private final Iterator<String> records;
  private final TaskContext task;
  private byte[] current = NOTHING;
  private int position;
  private volatile boolean abandoned;
  private volatile Throwable failure;

  RecordInput(Iterator<String> records, TaskContext task) {
    this.records = records;
    this.task = task;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    if (abandoned) {
      throw new IOException("the Spark task has ended");
    }
    if (length == 0) {
      return 0;
    }
    try {
      return TaskContext.withTaskContext(task, () -> fill(buffer, offset, length));
    } catch (RuntimeException | Error e) {
      failure = e;
      throw new IOException("reading the partition failed: " + e, e);
    }
  }

  private int fill(byte[] buffer, int offset, int length) {
    int filled = 0;
    while (filled < length && !abandoned) {
      if (position == current.length) {
        if (!records.hasNext()) {
          break;
        }
        current = (records.next() + "\n").getBytes(UTF_8);
        position = 0;
      }
      int left = current.length - position;
      if (left > length - filled && filled > 0 && position == 0) {
        break; // the next record goes whole into the next read
      }
      int taken = Math.min(left, length - filled);
      System.arraycopy(current, position, buffer, offset + filled, taken);
      position += taken;
      filled += taken;
    }
    return filled == 0 ? -1 : filled;
  }

  /** Makes every later read fail: the task has ended, and the program must not be fed any more. */
  void abandon() {
    abandoned = true;
  }

  /** What the partition's iterator threw, if it threw: the task must fail with it, not with viasock's error. */
  Throwable failure() {
    return failure;
  }
}
