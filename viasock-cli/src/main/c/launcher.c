#include "launcher.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *self_argv0;
static const char *launcher_path;
static char **launcher_argv;

void self_init(const char *argv0) {
  self_argv0 = argv0;
}

/* argv[0] as a shell found it: a path when it has a slash, else the first executable of that name on PATH. */
static int path_from_argv0(char *out) {
  if (self_argv0 == NULL || *self_argv0 == '\0') {
    return -1;
  }
  if (strchr(self_argv0, '/') != NULL) {
    return realpath(self_argv0, out) != NULL ? 0 : -1;
  }
  const char *path = getenv("PATH");
  while (path != NULL) {
    const char *colon = strchr(path, ':');
    size_t length = colon ? (size_t)(colon - path) : strlen(path);
    struct text candidate = {0};
    text_add(&candidate, length ? path : ".", length ? length : 1);
    text_adds(&candidate, "/");
    text_adds(&candidate, self_argv0);
    struct stat st;
    int found = stat(candidate.bytes, &st) == 0 && S_ISREG(st.st_mode) && access(candidate.bytes, X_OK) == 0
                && realpath(candidate.bytes, out) != NULL;
    text_free(&candidate);
    if (found) {
      return 0;
    }
    path = colon ? colon + 1 : NULL;
  }
  return -1;
}

/* The real path of this executable, into `out` (PATH_MAX bytes). */
static int find_self(char *out) {
  static const char deleted[] = " (deleted)";
  ssize_t length = readlink("/proc/self/exe", out, PATH_MAX);
  if (length <= 0 || length >= PATH_MAX) {
    return path_from_argv0(out);
  }
  out[length] = '\0';
  /* The file was replaced (an upgrade) since it was run: its path is still the one that counts. */
  size_t tail = sizeof deleted - 1;
  if ((size_t)length > tail && strcmp(out + length - tail, deleted) == 0) {
    out[length - tail] = '\0';
  }
  return 0;
}

/* The real path of this executable, found once (the role and a cold start's jars both ask); NULL if not. */
static const char *self_path(void) {
  static char self[PATH_MAX];
  static int found = -1;
  if (found < 0) {
    found = find_self(self) == 0;
  }
  return found ? self : NULL;
}

int self_directory(struct text *out) {
  const char *self = self_path();
  if (self == NULL) {
    return -1;
  }
  const char *slash = strrchr(self, '/');
  if (slash == NULL) {
    return -1;
  }
  text_add(out, self, (size_t)(slash - self));
  return 0;
}

int installed_command(struct text *launcher) {
  static const char command[] = "/bin/viasock";
  const char *self = self_path();
  if (self == NULL) {
    return 0;
  }
  size_t length = strlen(self);
  size_t tail = sizeof command - 1;
  if (length < tail || strcmp(self + length - tail, command) != 0) {
    return 0;
  }
  text_add(launcher, self, length - tail);
  text_adds(launcher, "/libexec/viasock-launcher");
  return 1;
}

void hand_off_init(const char *launcher, char **argv) {
  launcher_path = launcher;
  launcher_argv = argv;
}

_Noreturn void pass_on(void) {
  if (launcher_path == NULL) {
    fail(STATUS_SERVER_UNAVAILABLE, "viasock: the native client cannot hand this call to the JVM client");
  }
  execv(launcher_path, launcher_argv);
  struct text out = {0};
  text_adds(&out, "viasock: cannot run the JVM client's launcher ");
  text_adds(&out, launcher_path);
  text_adds(&out, ": ");
  text_adds(&out, strerror(errno));
  text_adds(&out, " (is the installation complete?)");
  fail(STATUS_SERVER_UNAVAILABLE, out.bytes);
}

_Noreturn void hand_off(void) {
  if (setenv("VIASOCK_CLIENT", "jvm", 1) != 0) {
    fail(STATUS_SERVER_UNAVAILABLE, "viasock: out of memory");
  }
  pass_on();
}
