#include "address.h"

#include "murmur3.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define SOCKET_PATH_LIMIT 107

void normalize_path(const char *base, const char *path, struct text *out) {
  struct text joined = {0};
  if (path[0] != '/') {
    text_adds(&joined, base);
    text_adds(&joined, "/");
  }
  text_adds(&joined, path);
  out->length = 0;
  text_add(out, "", 0);
  const char *at = joined.bytes;
  while (*at) {
    while (*at == '/') {
      at++;
    }
    const char *end = strchr(at, '/');
    size_t length = end ? (size_t)(end - at) : strlen(at);
    if (length == 0 || (length == 1 && at[0] == '.')) {
      /* nothing */
    } else if (length == 2 && at[0] == '.' && at[1] == '.') {
      char *slash = strrchr(out->bytes, '/');
      out->length = slash ? (size_t)(slash - out->bytes) : 0;
      out->bytes[out->length] = '\0';
    } else {
      text_adds(out, "/");
      text_add(out, at, length);
    }
    at += length;
  }
  if (out->length == 0) {
    text_adds(out, "/");
  }
  text_free(&joined);
}

/* Path.of(text).toString(): repeated slashes made one, a trailing slash dropped. */
void java_path_text(const char *path, struct text *out) {
  out->length = 0;
  text_add(out, "", 0);
  for (const char *p = path; *p; p++) {
    if (*p == '/' && out->length > 0 && out->bytes[out->length - 1] == '/') {
      continue;
    }
    text_add(out, p, 1);
  }
  if (out->length > 1 && out->bytes[out->length - 1] == '/') {
    out->bytes[--out->length] = '\0';
  }
}

static int runnable(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Program.resolve: relative to the working directory with a slash, else the first runnable one on PATH. */
static int resolve_program(const char *name, const char *cwd, struct text *out) {
  if (name[0] == '\0') {
    return -1;
  }
  if (strchr(name, '/') != NULL) {
    normalize_path(cwd, name, out);
    return runnable(out->bytes) ? 0 : -1;
  }
  const char *path = getenv("PATH");
  if (path == NULL) {
    path = "";
  }
  struct text directory = {0};
  struct text candidate = {0};
  int found = -1;
  const char *at = path;
  while (found != 0) {
    const char *colon = strchr(at, ':');
    size_t length = colon ? (size_t)(colon - at) : strlen(at);
    directory.length = 0;
    text_add(&directory, length ? at : ".", length ? length : 1);
    text_adds(&directory, "/");
    text_adds(&directory, name);
    normalize_path(cwd, directory.bytes, &candidate);
    if (runnable(candidate.bytes)) {
      out->length = 0;
      text_add(out, candidate.bytes, candidate.length);
      found = 0;
    }
    if (colon == NULL) {
      break;
    }
    at = colon + 1;
  }
  text_free(&directory);
  text_free(&candidate);
  return found;
}

/* Strict UTF-8, as the JVM decodes it: anything it would replace makes the texts differ. */
static int valid_utf8(const char *text) {
  const unsigned char *p = (const unsigned char *)text;
  while (*p) {
    unsigned char c = *p;
    int more;
    unsigned int code;
    if (c < 0x80) {
      p++;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      more = 1;
      code = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      more = 2;
      code = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      more = 3;
      code = c & 0x07;
    } else {
      return -1;
    }
    p++;
    for (int i = 0; i < more; i++, p++) {
      if ((*p & 0xc0) != 0x80) {
        return -1;
      }
      code = (code << 6) | (*p & 0x3f);
    }
    if ((more == 2 && (code < 0x800 || (code >= 0xd800 && code <= 0xdfff))) || (more == 3 && (code < 0x10000 || code > 0x10ffff))) {
      return -1;
    }
  }
  return 0;
}

static int ascii(const char *text) {
  for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
    if (*p >= 0x80) {
      return -1;
    }
  }
  return 0;
}

/* Whether the JVM reads arguments and variables as UTF-8 (bin/viasock sets C.UTF-8 when no locale is). */
static int utf8_locale(void) {
  const char *names[] = {"LC_ALL", "LC_CTYPE", "LANG"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const char *value = getenv(names[i]);
    if (value != NULL && value[0] != '\0') {
      return strcasestr(value, "utf-8") != NULL || strcasestr(value, "utf8") != NULL;
    }
  }
  return 1;
}

/* A text the JVM reads exactly as these bytes. */
static int exact(const char *text, int utf8) {
  return utf8 ? valid_utf8(text) : ascii(text);
}

static void put_int(struct text *out, uint32_t value) {
  unsigned char bytes[4] = {(unsigned char)value, (unsigned char)(value >> 8), (unsigned char)(value >> 16),
                            (unsigned char)(value >> 24)};
  text_add(out, bytes, 4);
}

static void put_long(struct text *out, uint64_t value) {
  put_int(out, (uint32_t)value);
  put_int(out, (uint32_t)(value >> 32));
}

static int put_string(struct text *out, const char *text, int utf8) {
  if (exact(text, utf8) != 0) {
    return -1;
  }
  size_t length = strlen(text);
  put_int(out, (uint32_t)length);
  text_add(out, text, length);
  return 0;
}

int encode_address(const struct run_options *o, struct address *a, struct text *e) {
  int utf8 = utf8_locale();
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd) == NULL) {
    return -1;
  }
  normalize_path("/", cwd, &a->working_dir);
  if (resolve_program(o->command[0], a->working_dir.bytes, &a->executable) != 0) {
    return -1;
  }
  int bad = put_string(e, "viasock-address-1", utf8);
  bad |= put_string(e, a->working_dir.bytes, utf8);
  bad |= put_string(e, a->executable.bytes, utf8);
  put_int(e, (uint32_t)(o->command_count - 1));
  for (int i = 1; i < o->command_count; i++) {
    bad |= put_string(e, o->command[i], utf8);
  }
  bad |= put_string(e, o->input_terminator, utf8);
  bad |= put_string(e, o->output_terminator, utf8);
  put_int(e, (uint32_t)o->prelude_records);
  put_int(e, (uint32_t)o->prelude_lines);
  put_long(e, (uint64_t)o->process_timeout_nanos);
  put_long(e, (uint64_t)o->server_timeout_nanos);
  put_int(e, (uint32_t)o->workers);
  put_long(e, (uint64_t)o->max_record_size);
  unsigned char unbuffered = o->unbuffered != 0;
  text_add(e, &unbuffered, 1);
  put_int(e, (uint32_t)o->env_count);
  for (int i = 0; i < o->env_count; i++) {
    bad |= put_string(e, o->env_names[i], utf8);
    const char *value = getenv(o->env_names[i]);
    unsigned char set = value != NULL;
    text_add(e, &set, 1);
    bad |= put_string(e, value != NULL ? value : "", utf8);
  }
  put_int(e, (uint32_t)o->watch_count);
  struct text watched = {0};
  for (int i = 0; i < o->watch_count; i++) {
    java_path_text(o->watch_paths[i], &watched);
    bad |= put_string(e, watched.bytes, utf8);
  }
  text_free(&watched);
  return bad ? -1 : 0;
}

/* StateDirectory.locate, and its checks: an existing directory of ours that nobody else may write. */
static int locate_state_dir(const char *cwd, struct text *out) {
  const char *configured = getenv("VIASOCK_DIR");
  const char *runtime = getenv("XDG_RUNTIME_DIR");
  char fallback[64];
  if (configured != NULL && configured[0] != '\0') {
    normalize_path(cwd, configured, out);
  } else if (runtime != NULL && runtime[0] != '\0') {
    struct text joined = {0};
    text_adds(&joined, runtime);
    text_adds(&joined, "/viasock");
    normalize_path(cwd, joined.bytes, out);
    text_free(&joined);
  } else {
    snprintf(fallback, sizeof fallback, "/tmp/viasock-%lu", (unsigned long)getuid());
    normalize_path(cwd, fallback, out);
  }
  struct stat st;
  if (lstat(out->bytes, &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 022) != 0) {
    return -1;
  }
  return 0;
}

static void file_of(const struct address *a, const char *suffix, struct text *out) {
  text_add(out, a->state_dir.bytes, a->state_dir.length);
  text_adds(out, "/");
  text_adds(out, a->key);
  text_adds(out, suffix);
}

int compute_address(const struct run_options *o, struct address *a) {
  struct text encoded = {0};
  int bad = encode_address(o, a, &encoded);
  if (bad == 0) {
    uint8_t hash[16];
    murmur3_128(encoded.bytes, encoded.length, hash);
    for (int i = 0; i < KEY_LENGTH / 2; i++) {
      snprintf(a->key + 2 * i, 3, "%02x", hash[i]);
    }
  }
  text_free(&encoded);
  if (bad != 0 || locate_state_dir(a->working_dir.bytes, &a->state_dir) != 0) {
    return -1;
  }
  file_of(a, ".sock", &a->socket);
  file_of(a, ".lock", &a->lock);
  if (o->log != NULL) {
    normalize_path(a->working_dir.bytes, o->log, &a->log);
  } else {
    file_of(a, ".log", &a->log);
  }
  return a->socket.length > SOCKET_PATH_LIMIT ? -1 : 0;
}
