package dev.viasock;

import java.io.IOException;

/** Thrown at a detached {@link Attachment}: its call has ended, and nothing it sends reaches the program. */
final class CallEndedException extends IOException {
  private static final long serialVersionUID = 1L;

  CallEndedException() {
    super("the call has ended: this handle was detached from its worker");
  }
}
