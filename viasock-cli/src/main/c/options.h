/* The options of `viasock run`, parsed as the JVM client's CommandLine and ProgramOptions parse them. */
#ifndef VIASOCK_OPTIONS_H
#define VIASOCK_OPTIONS_H

#include <stdint.h>

#define MAX_LISTED 64

struct run_options {
  const char *input_terminator;
  const char *output_terminator;
  int32_t prelude_records;
  int32_t prelude_lines;
  int64_t process_timeout_nanos;
  int64_t server_timeout_nanos;
  int32_t workers;
  int64_t max_record_size;
  int unbuffered;
  const char *log;
  const char *env_names[MAX_LISTED];
  int env_count;
  const char *watch_paths[MAX_LISTED];
  int watch_count;
  int forward_stderr;
  /* The program and its arguments. */
  char **command;
  int command_count;
};

/*
 * Parses the arguments after "run". Returns 0, or -1 for anything this client leaves to the JVM client: an
 * option it does not know, a value it would not read exactly as the JVM client does, help, no program.
 */
int parse_run_options(int argc, char **argv, struct run_options *options);

#endif
