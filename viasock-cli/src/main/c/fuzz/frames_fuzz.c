/*
 * Fuzz target for the native client's frame reader: arbitrary bytes from a "server", in arbitrary chunks,
 * through frames_feed, frames_next, frames_classify and frames_end, as call.c uses them. Built for libFuzzer
 * (clang -fsanitize=fuzzer) by fuzz/run; with -DSTDIN_MAIN it reads one input from stdin (for AFL++ or a
 * replay).
 */
#include "../frames.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct frame_reader reader;

static void consume(const uint8_t *data, size_t size) {
  int accepted = 0;
  size_t chunk = size > 0 ? (size_t)data[0] % 7 + 1 : 1;
  size_t at = 0;
  reader.start = reader.end = 0;
  while (1) {
    struct frame frame;
    int next;
    while ((next = frames_next(&reader, &frame)) == 1) {
      if (frame.length > FRAME_MAX_LENGTH || frame.payload + frame.length > reader.buffer + reader.end) {
        abort(); /* a frame that reaches past what was read */
      }
      switch (frames_classify(&frame, accepted)) {
        case ANSWER_ACCEPT:
          accepted = 1;
          break;
        case ANSWER_END: {
          int32_t status;
          const char *message;
          size_t length;
          if (frames_end(&frame, &status, &message, &length) != 0 || length + 4 != frame.length) {
            abort();
          }
          return;
        }
        case ANSWER_MALFORMED:
        case ANSWER_UNEXPECTED:
          return;
        default:
          break;
      }
    }
    if (next < 0 || at >= size) {
      return; /* an impossible length, or the end of the stream (cut or between frames) */
    }
    size_t take = size - at < chunk ? size - at : chunk;
    at += frames_feed(&reader, data + at, take);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (reader.buffer == NULL && frames_init(&reader) != 0) {
    abort();
  }
  consume(data, size);
  return 0;
}

#ifdef STDIN_MAIN
int main(void) {
  static uint8_t input[1 << 20];
  size_t size = fread(input, 1, sizeof input, stdin);
  return LLVMFuzzerTestOneInput(input, size);
}
#endif
