package dev.viasock;

/**
 * The frame types of the wire protocol between client and server. Every frame is a type byte, a 4-byte
 * big-endian payload length and the payload; see docs/protocol.md.
 */
final class Frame {
  /** 2: the server sends HEARTBEAT while a call is quiet. A server still serves clients of version 1. */
  static final int PROTOCOL_VERSION = 2;
  /** How often a server says it is alive to a quiet connection. */
  static final java.time.Duration HEARTBEAT_INTERVAL = java.time.Duration.ofSeconds(1);
  /** Larger payloads are split, so that a reader never needs more than this in memory for one frame. */
  static final int MAX_PAYLOAD = 1 << 18;

  /** Client to server, first: protocol version and flags. */
  static final byte HELLO = 'H';
  /** Client to server, first and only: asks for the server's status, answered by END with its text. */
  static final byte STATUS = 'Q';
  /** Client to server, first and only: asks the server to stop, answered by END. */
  static final byte STOP = 'X';
  /** Client to server: input bytes, in any chunking. */
  static final byte INPUT = 'I';
  /** Client to server: the input has ended. */
  static final byte END_OF_INPUT = 'E';

  /** Server to client: a worker is yours; output follows. */
  static final byte ACCEPT = 'A';
  /** Server to client: this server is stopping; connect again (nothing was consumed). */
  static final byte RETRY = 'R';
  /** Server to client: the prelude, sent once right after ACCEPT. */
  static final byte PRELUDE = 'P';
  /** Server to client: output bytes, only ever whole or partial records that answer sent input. */
  static final byte OUTPUT = 'O';
  /** Server to client: the program's stderr, when the client asked for it. */
  static final byte STDERR = 'S';
  /** Server to client: no payload; the server is alive (sent while a connection is otherwise quiet). */
  static final byte HEARTBEAT = 'K';
  /** Server to client, last: a 4-byte exit status and a UTF-8 message (empty on success). */
  static final byte END = 'Z';

  /** A frame's type as messages show it: the character, or its code when it is not printable. */
  static String describe(byte type) {
    return type >= 0x20 && type < 0x7f ? "'" + (char) type + "'" : String.format("0x%02x", type & 0xff);
  }

  /** HELLO flag: forward the program's stderr to this client. */
  static final int FLAG_FORWARD_STDERR = 1;

  private Frame() {}
}
