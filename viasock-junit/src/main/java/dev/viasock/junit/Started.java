package dev.viasock.junit;

import dev.viasock.Session;
import java.io.InputStream;
import java.io.OutputStream;

/** A program started for tests, in a background server or in this JVM; closing it stops and checks it. */
interface Started extends AutoCloseable {
  void run(InputStream in, OutputStream out);

  Session openSession();

  /**
   * Stops the program (and its server), then checks that nothing it started is still running.
   *
   * @throws AssertionError naming what is left running
   */
  @Override
  void close();
}
