package dev.viasock;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;

/**
 * A pseudo-terminal pair in raw mode, through JNA's binding of the C library: the program's stdout is opened
 * on the slave side (by the program's own shell prefix, see {@link ProgramLaunch}), and viasock reads what
 * the program writes from the master side. Raw mode (cfmakeraw) turns off every translation ({@code \n} to
 * {@code \r\n}, echo, signals from control characters), so the bytes read are exactly the bytes written.
 *
 * <p>This JVM opens the slave only to set raw mode, and keeps it open until the program has exited: were the
 * slave closed before the program opened it, the master would read as ended. Once every holder of the slave
 * has closed it, the master reads the last bytes and then EIO, which {@link #output()} reports as the end.
 */
final class PseudoTerminal implements AutoCloseable {
  private static final int EIO = 5;
  private static final int EINTR = 4;
  private static final int EAGAIN = Platform.isMac() ? 35 : 11;
  private static final int O_RDWR = 2;
  private static final int O_NOCTTY = Platform.isMac() ? 0x20000 : 0400;
  private static final int O_CLOEXEC = Platform.isMac() ? 0x1000000 : 02000000;
  private static final int TCSANOW = 0;
  private static final short POLLIN = 1;
  private static final long FIONREAD = Platform.isMac() ? 0x4004667fL : 0x541BL;
  /** How often a reader blocked on the master checks whether the terminal was closed under it. */
  private static final int POLL_MILLIS = 200;
  /** Larger than any platform's struct termios, which cfmakeraw edits in place. */
  private static final int TERMIOS_BYTES = 256;

  /** The C library functions used here; JNA binds them by name. */
  interface C extends Library {
    int posix_openpt(int flags);

    int grantpt(int fd);

    int unlockpt(int fd);

    String ptsname(int fd);

    int open(String path, int flags);

    int close(int fd);

    int tcgetattr(int fd, Pointer termios);

    int tcsetattr(int fd, int actions, Pointer termios);

    void cfmakeraw(Pointer termios);

    int poll(Pointer fds, int count, int timeoutMillis);

    NativeLong read(int fd, Pointer buffer, NativeLong count);

    int ioctl(int fd, NativeLong request, int[] value);
  }

  private static final class Loaded {
    static final C C_LIBRARY = Native.load(Platform.C_LIBRARY_NAME, C.class);
  }

  private final C c;
  private final int master;
  private final String slavePath;
  private final MasterInput output;
  private int slave;

  private PseudoTerminal(C c, int master, int slave, String slavePath) {
    this.c = c;
    this.master = master;
    this.slave = slave;
    this.slavePath = slavePath;
    this.output = new MasterInput();
  }

  /**
   * Opens a pseudo-terminal in raw mode.
   *
   * @throws IOException when none can be had here (no JNA native support, no pseudo-terminals, none free);
   *     the message says why
   */
  static PseudoTerminal openRaw() throws IOException {
    C c;
    try {
      c = Loaded.C_LIBRARY;
    } catch (LinkageError e) {
      throw new IOException("JNA cannot reach the C library here: " + e.getMessage(), e);
    }
    int master = c.posix_openpt(O_RDWR | O_NOCTTY | (Platform.isLinux() ? O_CLOEXEC : 0));
    if (master < 0) {
      throw failure("posix_openpt");
    }
    int slave = -1;
    try {
      if (c.grantpt(master) != 0) {
        throw failure("grantpt");
      }
      if (c.unlockpt(master) != 0) {
        throw failure("unlockpt");
      }
      String path;
      synchronized (PseudoTerminal.class) {
        path = c.ptsname(master);
      }
      if (path == null) {
        throw failure("ptsname");
      }
      // O_NOCTTY: a server is a session leader without a terminal, and must not acquire this one.
      slave = c.open(path, O_RDWR | O_NOCTTY | (Platform.isLinux() ? O_CLOEXEC : 0));
      if (slave < 0) {
        throw failure("open " + path);
      }
      try (Memory termios = new Memory(TERMIOS_BYTES)) {
        termios.clear();
        if (c.tcgetattr(slave, termios) != 0) {
          throw failure("tcgetattr");
        }
        c.cfmakeraw(termios);
        if (c.tcsetattr(slave, TCSANOW, termios) != 0) {
          throw failure("tcsetattr");
        }
      }
      return new PseudoTerminal(c, master, slave, path);
    } catch (IOException | RuntimeException e) {
      if (slave >= 0) {
        c.close(slave);
      }
      c.close(master);
      throw e;
    }
  }

  private static IOException failure(String call) {
    return new IOException(call + " failed (errno " + Native.getLastError() + ")");
  }

  /** The path of the slave side, which the program opens as its stdout. */
  String slavePath() {
    return slavePath;
  }

  /** What the program writes to the slave side; ends once every holder of the slave has closed it. */
  InputStream output() {
    return output;
  }

  /** Lets go of this JVM's hold on the slave: call once the program has exited. */
  synchronized void closeSlave() {
    if (slave >= 0) {
      c.close(slave);
      slave = -1;
    }
  }

  /** Closes both sides; a reader blocked on the output sees its end within a fraction of a second. */
  @Override
  public void close() {
    closeSlave();
    output.close();
  }

  /**
   * The master side as a stream. Reads wait in poll with a short timeout, so that closing the stream ends a
   * blocked read; the file descriptor is closed by whichever of the reader and the closer comes last, so it
   * is never closed under a read.
   */
  private final class MasterInput extends InputStream {
    // Native memory of the reader's own, allocated once: a Java array would be copied whole at every call.
    private final Memory chunk = new Memory(1 << 16);
    private final Memory pollFd = new Memory(8);
    private boolean reading;
    private boolean closed;
    private boolean released;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (length == 0) {
        return 0;
      }
      synchronized (this) {
        if (closed) {
          return -1;
        }
        reading = true;
      }
      try {
        while (true) {
          synchronized (this) {
            if (closed) {
              return -1;
            }
          }
          pollFd.setInt(0, master);
          pollFd.setShort(4, POLLIN);
          pollFd.setShort(6, (short) 0);
          int ready = c.poll(pollFd, 1, POLL_MILLIS);
          if (ready == 0 || ready < 0 && Native.getLastError() == EINTR) {
            continue;
          }
          long count = c.read(master, chunk, new NativeLong(Math.min(length, chunk.size()))).longValue();
          if (count > 0) {
            chunk.read(0, buffer, offset, (int) count);
            return (int) count;
          }
          if (count == 0) {
            return -1;
          }
          int errno = Native.getLastError();
          if (errno == EIO) {
            return -1; // every holder of the slave has closed it, and everything written has been read
          }
          if (errno != EINTR && errno != EAGAIN) {
            throw new IOException("reading the program's terminal failed (errno " + errno + ")");
          }
        }
      } finally {
        synchronized (this) {
          reading = false;
          if (closed) {
            release();
          }
        }
      }
    }

    @Override
    public int available() {
      int[] count = new int[1];
      synchronized (this) {
        if (closed) {
          return 0;
        }
        return c.ioctl(master, new NativeLong(FIONREAD), count) == 0 ? count[0] : 0;
      }
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (!reading) {
        release();
      }
    }

    private void release() {
      if (!released) {
        released = true;
        c.close(master);
        chunk.close();
        pollFd.close();
      }
    }
  }
}
