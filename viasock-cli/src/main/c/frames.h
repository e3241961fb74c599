/* Frames of the wire protocol (docs/protocol.md): a type byte, a 4-byte big-endian length, the payload. */
#ifndef VIASOCK_FRAMES_H
#define VIASOCK_FRAMES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PROTOCOL_VERSION 2
/* The server sends HEARTBEAT every second while a call is quiet; silence this long means it is stopped or hung. */
#define SILENCE_BOUND_SECONDS 10
#define FLAG_FORWARD_STDERR 1
/* Longer data is split over several frames; END may carry 4 more bytes (its status). */
#define FRAME_MAX_PAYLOAD (1u << 18)
#define FRAME_MAX_LENGTH (FRAME_MAX_PAYLOAD + 4)
#define FRAME_HEADER 5

enum frame_type {
  FRAME_HELLO = 'H',
  FRAME_INPUT = 'I',
  FRAME_END_OF_INPUT = 'E',
  FRAME_ACCEPT = 'A',
  FRAME_RETRY = 'R',
  FRAME_PRELUDE = 'P',
  FRAME_OUTPUT = 'O',
  FRAME_STDERR = 'S',
  FRAME_END = 'Z',
  FRAME_HEARTBEAT = 'K'
};

struct frame {
  unsigned char type;
  const uint8_t *payload;
  uint32_t length;
};

/* Reads frames from a byte stream into a buffer that holds the largest frame there may be, and no more. */
struct frame_reader {
  uint8_t *buffer;
  size_t start;
  size_t end;
  size_t capacity;
};

int frames_init(struct frame_reader *reader);
void frames_free(struct frame_reader *reader);

/* Reads what the descriptor has: the count read, 0 at its end, -1 with errno set. */
ssize_t frames_fill(struct frame_reader *reader, int fd);

/* Appends bytes (the fuzz target's way in); returns how many fitted. */
size_t frames_feed(struct frame_reader *reader, const uint8_t *bytes, size_t length);

/*
 * The next whole frame: 1 and *frame set (valid until the next call), 0 when more bytes are needed, -1 when
 * the length is impossible (the stream cannot be trusted any further).
 */
int frames_next(struct frame_reader *reader, struct frame *frame);

/* Bytes of an unfinished frame: non-zero at the end of the stream means the stream was cut mid-frame. */
size_t frames_buffered(const struct frame_reader *reader);

/* END's status and message: 0, or -1 when the payload is too short to hold a status. */
int frames_end(const struct frame *frame, int32_t *status, const char **message, size_t *message_length);

/* What a frame from the server means at this point of a call: before ACCEPT (greeting) or after it. */
enum answer {
  ANSWER_ACCEPT,
  ANSWER_RETRY,
  ANSWER_OUTPUT,
  ANSWER_STDERR,
  ANSWER_HEARTBEAT,
  ANSWER_END,
  ANSWER_UNEXPECTED, /* a frame out of place */
  ANSWER_MALFORMED   /* an END too short to hold its status */
};

enum answer frames_classify(const struct frame *frame, int accepted);

/* Writes a frame's header into header[FRAME_HEADER]. */
void frames_header(uint8_t header[FRAME_HEADER], unsigned char type, uint32_t length);

#endif
