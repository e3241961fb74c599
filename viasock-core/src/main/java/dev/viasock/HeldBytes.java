package dev.viasock;

import java.io.ByteArrayOutputStream;

/** The bytes of a record not yet complete, held back until its end arrives; readable without a copy. */
final class HeldBytes extends ByteArrayOutputStream {
  HeldBytes() {
    super(256);
  }

  /** The internal buffer; its first {@link #size()} bytes are the held bytes. */
  byte[] buffer() {
    return buf;
  }
}
