#include "spawn.h"

#include "call.h"
#include "launcher.h"
#include "murmur3.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LOCK_BOUND_MILLIS 45000
#define READY_BOUND_MILLIS 30000
#define MAX_ARGS 512

/* The spawn lock: an fcntl lock on the whole file, as FileChannel.tryLock takes it; a file that is not empty
 * was retired by a stopping server after we opened it, and is opened again (SpawnLock's protocol). */
static int acquire_lock(const char *path) {
  int64_t deadline = now_millis() + LOCK_BOUND_MILLIS;
  while (1) {
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return -1;
    }
    struct flock whole = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    while (fcntl(fd, F_SETLK, &whole) != 0) {
      if ((errno != EAGAIN && errno != EACCES) || now_millis() >= deadline) {
        close(fd);
        return -1;
      }
      struct timespec pause = {.tv_sec = 0, .tv_nsec = 2000000};
      nanosleep(&pause, NULL);
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_size == 0) {
      return fd;
    }
    close(fd);
  }
}

/* Where the jars and jvm-options.properties are: target/native/viasock-client -> target (a build), or
 * bin/viasock -> lib (an installed copy). */
static int build_directory(struct text *out) {
  struct text self = {0};
  if (self_directory(&self) != 0) {
    text_free(&self);
    return -1;
  }
  /* An installed copy: bin/viasock beside lib/ (viasock-cli.jar, jvm-options.properties, lib/). */
  struct text installed = {0};
  text_adds(&installed, self.bytes);
  text_adds(&installed, "/../lib/viasock-cli.jar");
  int is_installed = access(installed.bytes, F_OK) == 0;
  text_free(&installed);
  text_adds(out, self.bytes);
  text_adds(out, is_installed ? "/../lib" : "/..");
  text_free(&self);
  return 0;
}

/* The server's JVM options: the `server=` line of the build's jvm-options.properties. */
static int server_options(const char *build, struct text *options) {
  struct text path = {0};
  text_adds(&path, build);
  text_adds(&path, "/jvm-options.properties");
  FILE *file = fopen(path.bytes, "re");
  text_free(&path);
  if (file == NULL) {
    return -1;
  }
  char line[4096];
  int found = -1;
  while (found != 0 && fgets(line, sizeof line, file) != NULL) {
    if (strncmp(line, "server=", 7) == 0) {
      line[strcspn(line, "\n")] = '\0';
      text_adds(options, line + 7);
      found = 0;
    }
  }
  fclose(file);
  return found;
}

/* The java that bin/viasock would run, resolved as the JVM's java.home resolves it. */
static int java_executable(struct text *out) {
  const char *configured = getenv("VIASOCK_JAVA");
  const char *home = getenv("JAVA_HOME");
  struct text candidate = {0};
  if (configured != NULL && configured[0] != '\0') {
    text_adds(&candidate, configured);
  } else if (home != NULL && home[0] != '\0') {
    text_adds(&candidate, home);
    text_adds(&candidate, "/bin/java");
  } else {
    const char *path = getenv("PATH");
    for (const char *at = path ? path : ""; candidate.length == 0;) {
      const char *colon = strchr(at, ':');
      size_t length = colon ? (size_t)(colon - at) : strlen(at);
      struct text probe = {0};
      text_add(&probe, length ? at : ".", length ? length : 1);
      text_adds(&probe, "/java");
      if (access(probe.bytes, X_OK) == 0) {
        text_add(&candidate, probe.bytes, probe.length);
      }
      text_free(&probe);
      if (colon == NULL) {
        break;
      }
      at = colon + 1;
    }
  }
  char resolved[PATH_MAX];
  int ok = candidate.length > 0 && realpath(candidate.bytes, resolved) != NULL;
  text_free(&candidate);
  if (ok) {
    text_adds(out, resolved);
  }
  return ok ? 0 : -1;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The server's class path: every jar in the build's lib/, sorted. */
static int class_path(const char *build, struct text *out, char **jars, int *count) {
  struct text lib = {0};
  text_adds(&lib, build);
  text_adds(&lib, "/lib");
  DIR *directory = opendir(lib.bytes);
  if (directory == NULL) {
    text_free(&lib);
    return -1;
  }
  struct dirent *entry;
  *count = 0;
  while ((entry = readdir(directory)) != NULL && *count < 64) {
    size_t length = strlen(entry->d_name);
    if (length > 4 && strcmp(entry->d_name + length - 4, ".jar") == 0) {
      struct text jar = {0};
      text_add(&jar, lib.bytes, lib.length);
      text_adds(&jar, "/");
      text_adds(&jar, entry->d_name);
      char resolved[PATH_MAX];
      jars[(*count)++] = strdup(realpath(jar.bytes, resolved) ? resolved : jar.bytes);
      text_free(&jar);
    }
  }
  closedir(directory);
  text_free(&lib);
  qsort(jars, (size_t)*count, sizeof jars[0], by_name);
  for (int i = 0; i < *count; i++) {
    if (i > 0) {
      text_adds(out, ":");
    }
    text_adds(out, jars[i]);
  }
  return *count > 0 ? 0 : -1;
}

static void put_stamp(struct text *out, const char *path) {
  struct stat st;
  int64_t stamp[2] = {0, 0};
  if (stat(path, &st) == 0) {
    stamp[0] = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
    stamp[1] = (int64_t)st.st_size;
  }
  text_adds(out, path);
  text_add(out, "", 1);
  text_add(out, stamp, sizeof stamp);
}

/*
 * The class-data archive of servers started by this client: named after the JVM (its executable and
 * libjvm.so, by path and stamp) and the jars, so that another JVM or a rebuild gets another one. The first
 * server writes it as it exits (under a temporary name with its pid); a later start adopts a finished one.
 */
static void archive_option(const char *state_dir, const char *java, char **jars, int count, struct text *option) {
  struct text stamps = {0};
  text_adds(&stamps, "viasock-native-server-archive-1");
  text_add(&stamps, "", 1);
  put_stamp(&stamps, java);
  struct text libjvm = {0};
  text_adds(&libjvm, java);
  libjvm.length -= strlen("bin/java");
  libjvm.bytes[libjvm.length] = '\0';
  text_adds(&libjvm, "lib/server/libjvm.so");
  put_stamp(&stamps, libjvm.bytes);
  text_free(&libjvm);
  for (int i = 0; i < count; i++) {
    put_stamp(&stamps, jars[i]);
  }
  uint8_t hash[16];
  murmur3_128(stamps.bytes, stamps.length, hash);
  text_free(&stamps);
  char name[64];
  snprintf(name, sizeof name, "server-native-%02x%02x%02x%02x%02x%02x%02x%02x.jsa", hash[0], hash[1], hash[2], hash[3],
           hash[4], hash[5], hash[6], hash[7]);
  struct text finished = {0};
  text_adds(&finished, state_dir);
  text_adds(&finished, "/");
  text_adds(&finished, name);
  struct stat st;
  int ready = stat(finished.bytes, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
  int writing = 0;
  DIR *directory = opendir(state_dir);
  struct dirent *entry;
  while (directory != NULL && (entry = readdir(directory)) != NULL) {
    size_t prefix = strlen(name);
    if (strncmp(entry->d_name, name, prefix) != 0 || entry->d_name[prefix] != '.') {
      continue;
    }
    long pid = strtol(entry->d_name + prefix + 1, NULL, 10);
    struct text dump = {0};
    text_adds(&dump, state_dir);
    text_adds(&dump, "/");
    text_adds(&dump, entry->d_name);
    if (pid > 0 && kill((pid_t)pid, 0) == 0) {
      writing = 1;
    } else if (!ready && stat(dump.bytes, &st) == 0 && st.st_size > 0 && rename(dump.bytes, finished.bytes) == 0) {
      ready = 1;
    } else {
      unlink(dump.bytes);
    }
    text_free(&dump);
  }
  if (directory != NULL) {
    closedir(directory);
  }
  if (ready) {
    text_adds(option, "-XX:SharedArchiveFile=");
    text_add(option, finished.bytes, finished.length);
  } else if (!writing) {
    text_adds(option, "-XX:ArchiveClassesAtExit=");
    text_add(option, finished.bytes, finished.length);
    text_adds(option, ".PID.tmp");
  }
  text_free(&finished);
}

static void add(char **argv, int *argc, const char *value) {
  if (*argc < MAX_ARGS - 1) {
    argv[(*argc)++] = strdup(value);
    argv[*argc] = NULL;
  }
}

static void add_number(char **argv, int *argc, const char *name, long long value) {
  char text[32];
  snprintf(text, sizeof text, "%lld", value);
  add(argv, argc, name);
  add(argv, argc, text);
}

static void add_pair(char **argv, int *argc, const char *name, const char *value) {
  add(argv, argc, name);
  add(argv, argc, value);
}

/* Options separated by spaces, as VIASOCK_SERVER_JAVA_OPTIONS and jvm-options.properties give them. */
static void add_words(char **argv, int *argc, const char *words) {
  char *copy = strdup(words ? words : "");
  for (char *word = strtok(copy, " "); word != NULL; word = strtok(NULL, " ")) {
    add(argv, argc, word);
  }
  free(copy);
}

/* The server's command line: java, its options, the class path, Daemon and DaemonArguments' encoding. */
static int server_command(const struct run_options *o, const struct address *a, char **argv) {
  struct text build = {0};
  struct text options = {0};
  struct text java = {0};
  struct text classes = {0};
  struct text archive = {0};
  char *jars[64];
  int count = 0;
  int argc = 0;
  int bad = build_directory(&build) || server_options(build.bytes, &options) || java_executable(&java)
            || class_path(build.bytes, &classes, jars, &count);
  if (!bad) {
    archive_option(a->state_dir.bytes, java.bytes, jars, count, &archive);
    add(argv, &argc, java.bytes);
    if (archive.length > 0) {
      add(argv, &argc, archive.bytes);
    }
    add_words(argv, &argc, options.bytes);
    add_words(argv, &argc, getenv("VIASOCK_SERVER_JAVA_OPTIONS"));
    add_pair(argv, &argc, "-cp", classes.bytes);
    add(argv, &argc, "dev.viasock.Daemon");
    add_pair(argv, &argc, "--state-dir", a->state_dir.bytes);
    add_pair(argv, &argc, "--key", a->key);
    add_pair(argv, &argc, "--log", a->log.bytes);
    add_pair(argv, &argc, "--cwd", a->working_dir.bytes);
    add_pair(argv, &argc, "--name", o->command[0]);
    add_pair(argv, &argc, "--executable", a->executable.bytes);
    add_pair(argv, &argc, "--input-terminator", o->input_terminator);
    add_pair(argv, &argc, "--output-terminator", o->output_terminator);
    add_number(argv, &argc, "--prelude-records", o->prelude_records);
    add_number(argv, &argc, "--prelude-lines", o->prelude_lines);
    add_number(argv, &argc, "--process-timeout-nanos", o->process_timeout_nanos);
    add_number(argv, &argc, "--idle-timeout-nanos", o->server_timeout_nanos);
    add_number(argv, &argc, "--workers", o->workers);
    add_number(argv, &argc, "--max-record-size", o->max_record_size);
    add_pair(argv, &argc, "--unbuffered", o->unbuffered ? "true" : "false");
    for (int i = 0; i < o->env_count; i++) {
      add_pair(argv, &argc, "--env", o->env_names[i]);
    }
    struct text watched = {0};
    for (int i = 0; i < o->watch_count; i++) {
      java_path_text(o->watch_paths[i], &watched);
      add_pair(argv, &argc, "--watch", watched.bytes);
    }
    text_free(&watched);
    add(argv, &argc, "--");
    for (int i = 1; i < o->command_count; i++) {
      add(argv, &argc, o->command[i]);
    }
  }
  for (int i = 0; i < count; i++) {
    free(jars[i]);
  }
  text_free(&build);
  text_free(&options);
  text_free(&java);
  text_free(&classes);
  text_free(&archive);
  return bad || argc >= MAX_ARGS - 1 ? -1 : 0;
}

/* In the detached grandchild: its own session, /dev/null in, the report pipe out, the log as stderr. */
_Noreturn static void become_server(char **argv, int report, const char *log) {
  setsid();
  int in = open("/dev/null", O_RDONLY);
  int err = open(log, O_WRONLY | O_APPEND | O_CREAT, 0600);
  if (in < 0 || err < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(report, STDOUT_FILENO) < 0
      || dup2(err, STDERR_FILENO) < 0) {
    _exit(127);
  }
  char pid[24];
  snprintf(pid, sizeof pid, "%ld", (long)getpid());
  for (int i = 0; argv[i] != NULL; i++) {
    char *marker = strstr(argv[i], ".PID.tmp");
    if (marker != NULL) {
      struct text named = {0};
      text_add(&named, argv[i], (size_t)(marker - argv[i]) + 1);
      text_adds(&named, pid);
      text_adds(&named, ".tmp");
      argv[i] = named.bytes;
    }
  }
  struct sigaction fallback = {.sa_handler = SIG_DFL};
  sigaction(SIGPIPE, &fallback, NULL);
  execv(argv[0], argv);
  _exit(127);
}

/*
 * The server's one-line report: READY, BUSY or FAILED <reason>; empty when it ended without one or the bound
 * passed. Read to the end of the pipe, which the server closes right after its report (pointing its stdout at
 * /dev/null), as the JVM client's relay through head does: so no caller's pipe is held when the call starts.
 */
static void await_report(int report, char *line, size_t size) {
  size_t length = 0;
  char drain[256];
  int64_t deadline = now_millis() + READY_BOUND_MILLIS;
  line[0] = '\0';
  while (1) {
    int64_t left = deadline - now_millis();
    struct pollfd wait = {.fd = report, .events = POLLIN};
    if (left <= 0 || poll(&wait, 1, (int)left) <= 0) {
      break;
    }
    ssize_t got = length + 1 < size ? read(report, line + length, size - 1 - length) : read(report, drain, sizeof drain);
    if (got <= 0) {
      break;
    }
    if (length + 1 < size) {
      length += (size_t)got;
      line[length] = '\0';
    }
  }
}

static int start(const struct run_options *o, const struct address *a) {
  char *argv[MAX_ARGS];
  if (server_command(o, a, argv) != 0) {
    return -1;
  }
  int pipe_ends[2];
  if (pipe2(pipe_ends, O_CLOEXEC) != 0) {
    return -1;
  }
  pid_t child = fork();
  if (child == 0) {
    /* The child only forks the server and exits, so that the server is nobody's child here. */
    close(pipe_ends[0]);
    if (fork() == 0) {
      become_server(argv, pipe_ends[1], a->log.bytes);
    }
    _exit(0);
  }
  close(pipe_ends[1]);
  for (int i = 0; argv[i] != NULL; i++) {
    free(argv[i]);
  }
  if (child < 0) {
    close(pipe_ends[0]);
    return -1;
  }
  waitpid(child, NULL, 0);
  char line[1024];
  await_report(pipe_ends[0], line, sizeof line);
  close(pipe_ends[0]);
  return strncmp(line, "READY", 5) == 0 || strncmp(line, "BUSY", 4) == 0 ? 0 : -1;
}

static int set(const char *name) {
  const char *value = getenv(name);
  return value != NULL && value[0] != '\0';
}

int spawn_server(const struct run_options *o, const struct address *a) {
  /* As bin/viasock does for the JVM: without any locale, the server JVM would read its arguments as ASCII. */
  if (!set("LC_ALL") && !set("LC_CTYPE") && !set("LANG")) {
    setenv("LC_CTYPE", "C.UTF-8", 1);
  }
  int lock = acquire_lock(a->lock.bytes);
  if (lock < 0) {
    return -1;
  }
  int result = -1;
  int live = call_connect(a->socket.bytes);
  struct text info = {0};
  text_add(&info, a->state_dir.bytes, a->state_dir.length);
  text_adds(&info, "/");
  text_adds(&info, a->key);
  text_adds(&info, ".info");
  if (live >= 0) {
    close(live);
    result = 0;
  } else if (access(info.bytes, F_OK) != 0 && (unlink(a->socket.bytes) == 0 || errno == ENOENT)) {
    /* No .info: no dead server's programs to reap and no retiring server (the JVM client sees to those). */
    result = start(o, a);
  }
  text_free(&info);
  close(lock);
  return result;
}
