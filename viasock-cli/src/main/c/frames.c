#include "frames.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int frames_init(struct frame_reader *r) {
  r->capacity = FRAME_HEADER + FRAME_MAX_LENGTH;
  r->buffer = malloc(r->capacity);
  r->start = r->end = 0;
  return r->buffer != NULL ? 0 : -1;
}

void frames_free(struct frame_reader *r) {
  free(r->buffer);
  r->buffer = NULL;
}

static void compact(struct frame_reader *r) {
  if (r->start > 0) {
    memmove(r->buffer, r->buffer + r->start, r->end - r->start);
    r->end -= r->start;
    r->start = 0;
  }
}

ssize_t frames_fill(struct frame_reader *r, int fd) {
  compact(r);
  if (r->end == r->capacity) {
    errno = ENOBUFS; /* impossible: frames_next takes any whole frame out first */
    return -1;
  }
  ssize_t got;
  do {
    got = read(fd, r->buffer + r->end, r->capacity - r->end);
  } while (got < 0 && errno == EINTR);
  if (got > 0) {
    r->end += (size_t)got;
  }
  return got;
}

size_t frames_feed(struct frame_reader *r, const uint8_t *bytes, size_t length) {
  compact(r);
  size_t room = r->capacity - r->end;
  size_t taken = length < room ? length : room;
  memcpy(r->buffer + r->end, bytes, taken);
  r->end += taken;
  return taken;
}

int frames_next(struct frame_reader *r, struct frame *frame) {
  size_t available = r->end - r->start;
  if (available < FRAME_HEADER) {
    return 0;
  }
  const uint8_t *at = r->buffer + r->start;
  uint32_t length = (uint32_t)at[1] << 24 | (uint32_t)at[2] << 16 | (uint32_t)at[3] << 8 | (uint32_t)at[4];
  if (length > FRAME_MAX_LENGTH) {
    return -1;
  }
  if (available - FRAME_HEADER < length) {
    return 0;
  }
  frame->type = at[0];
  frame->payload = at + FRAME_HEADER;
  frame->length = length;
  r->start += FRAME_HEADER + length;
  return 1;
}

size_t frames_buffered(const struct frame_reader *r) {
  return r->end - r->start;
}

int frames_end(const struct frame *frame, int32_t *status, const char **message, size_t *message_length) {
  if (frame->length < 4) {
    return -1;
  }
  const uint8_t *p = frame->payload;
  *status = (int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3]);
  *message = (const char *)p + 4;
  *message_length = frame->length - 4;
  return 0;
}

enum answer frames_classify(const struct frame *frame, int accepted) {
  switch (frame->type) {
    case FRAME_HEARTBEAT:
      return ANSWER_HEARTBEAT;
    case FRAME_END:
      return frame->length < 4 ? ANSWER_MALFORMED : ANSWER_END;
    case FRAME_ACCEPT:
      return accepted ? ANSWER_UNEXPECTED : ANSWER_ACCEPT;
    case FRAME_RETRY:
      return accepted ? ANSWER_UNEXPECTED : ANSWER_RETRY;
    case FRAME_PRELUDE:
    case FRAME_OUTPUT:
      return accepted ? ANSWER_OUTPUT : ANSWER_UNEXPECTED;
    case FRAME_STDERR:
      return accepted ? ANSWER_STDERR : ANSWER_UNEXPECTED;
    default:
      return ANSWER_UNEXPECTED;
  }
}

void frames_header(uint8_t header[FRAME_HEADER], unsigned char type, uint32_t length) {
  header[0] = type;
  header[1] = (uint8_t)(length >> 24);
  header[2] = (uint8_t)(length >> 16);
  header[3] = (uint8_t)(length >> 8);
  header[4] = (uint8_t)length;
}
