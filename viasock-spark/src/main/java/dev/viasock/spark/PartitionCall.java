package dev.viasock.spark;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.viasock.OutputSplitter;
import dev.viasock.ViasockException;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.apache.spark.TaskContext;

/**
 * One partition streamed through the program: a thread of its own runs the call (viasock's input thread reads
 * the partition), while the task's thread takes the output records, one element each, from a bounded queue.
 * Neither side holds more than the queue's records (at most 1,024 records and 4 Mi characters, or one larger
 * record) and one read buffer. The output iterator ends when the call has answered every record, or throws why
 * it could not.
 */
final class PartitionCall implements Iterator<String>, AutoCloseable {
  /** Output records the program may run ahead of the task by; then it waits. */
  private static final int QUEUED_RECORDS = 1024;
  /** And their characters: a record larger than this is queued alone. */
  private static final int QUEUED_CHARS = 4 << 20;

  private static final long POLL_MILLIS = 100;
  private static final Object END = new Object();

  private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(QUEUED_RECORDS);
  private final Semaphore queuedChars = new Semaphore(QUEUED_CHARS);
  private final RecordInput input;
  private final TaskContext task;
  private volatile boolean abandoned;
  private String next;
  private boolean ended;

  private PartitionCall(RecordInput input, TaskContext task) {
    this.input = input;
    this.task = task;
  }

  static PartitionCall start(
      ProgramLease program, OutputSplitter splitter, Iterator<String> records, TaskContext task) {
    PartitionCall call = new PartitionCall(new RecordInput(records, task), task);
    Thread thread =
        new Thread(() -> call.run(program, splitter), "viasock-spark-partition-" + task.partitionId());
    thread.setDaemon(true);
    thread.start();
    return call;
  }

  private void run(ProgramLease program, OutputSplitter splitter) {
    Object last = END;
    try {
      program.run(input, new RecordOutput(splitter));
    } catch (ViasockException e) {
      last = input.failure() != null ? input.failure() : inThisTask(e);
    } catch (RuntimeException | Error e) {
      last = e;
    } finally {
      program.release();
    }
    try {
      offer(last);
    } catch (IOException abandonedTask) {
      // Nobody reads the outcome any more: the task has ended.
    }
  }

  private ViasockException inThisTask(ViasockException e) {
    return new ViasockException(
        e.failure(),
        e.getMessage() + "\n(ViasockPipe: partition " + task.partitionId() + " of stage " + task.stageId()
            + ", task attempt " + task.attemptNumber() + ")",
        e);
  }

  /** Queues an item for the task, waiting while the queue is full, until the task no longer reads. */
  private void offer(Object item) throws IOException {
    try {
      while (!queuedChars.tryAcquire(chars(item), POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        checkRead();
      }
      while (!queue.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        checkRead();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while handing the output to the Spark task", e);
    }
  }

  private void checkRead() throws IOException {
    if (abandoned) {
      throw new IOException("the Spark task no longer reads the output");
    }
  }

  /** What an item counts against the queue's characters. */
  private static int chars(Object item) {
    return item instanceof String ? Math.min(((String) item).length(), QUEUED_CHARS) : 0;
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (ended) {
      return false;
    }
    Object item = take();
    if (item == END) {
      ended = true;
      return false;
    }
    if (item instanceof Throwable) {
      ended = true;
      throw PartitionCall.<RuntimeException>rethrow((Throwable) item);
    }
    next = (String) item;
    return true;
  }

  @Override
  public String next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    String element = next;
    next = null;
    return element;
  }

  private Object take() {
    try {
      Object item;
      while ((item = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS)) == null) {
        task.killTaskIfInterrupted();
      }
      queuedChars.release(chars(item));
      return item;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      task.killTaskIfInterrupted();
      throw new IllegalStateException("interrupted while waiting for the program's output", e);
    }
  }

  /**
   * The task has ended, maybe before it read all the output (a {@code take(n)}, a failure downstream): the call
   * stops feeding the program and stops waiting for its output; the program goes back to the pool once it has
   * answered the records it was sent.
   */
  @Override
  public void close() {
    abandoned = true;
    input.abandon();
  }

  /** Rethrows what the call or the partition's iterator threw, as it is: Spark tells failures apart by type. */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T rethrow(Throwable thrown) throws T {
    throw (T) thrown;
  }

  /** Where the program's output goes: cut into records, each queued as one element. */
  private final class RecordOutput extends OutputStream {
    private final OutputSplitter splitter;

    RecordOutput(OutputSplitter splitter) {
      this.splitter = splitter;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      splitter.split(bytes, offset, length, (record, from, size) -> offer(new String(record, from, size - 1, UTF_8)));
    }
  }
}
