package dev.viasock.spark;

import dev.viasock.Serverizer;
import java.io.InputStream;
import java.io.OutputStream;

/** The program one partition's records go through, held for the length of that call. */
interface ProgramLease {
  /** Streams {@code in} through the program to {@code out}, as {@link Serverizer#run} does. */
  void run(InputStream in, OutputStream out);

  /** Gives the program back; called once, when the call has ended. */
  void release();

  /** The host's background server of {@code serverizer}: nothing to give back. */
  static ProgramLease ofBackgroundServer(Serverizer serverizer) {
    return new ProgramLease() {
      @Override
      public void run(InputStream in, OutputStream out) {
        serverizer.run(in, out);
      }

      @Override
      public void release() {}
    };
  }
}
