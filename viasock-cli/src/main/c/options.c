#include "options.h"

#include <stdint.h>
#include <string.h>

/* The option being read: its name and a value attached to it (-tVALUE, --name=VALUE), if any. */
struct cursor {
  int argc;
  char **argv;
  int next;
  char name[64];
  const char *attached;
};

static int next_option(struct cursor *c) {
  if (c->next >= c->argc) {
    return 0;
  }
  const char *arg = c->argv[c->next];
  if (strcmp(arg, "--") == 0) {
    c->next++;
    return 0;
  }
  if (arg[0] != '-' || strcmp(arg, "-") == 0) {
    return 0;
  }
  c->next++;
  c->attached = NULL;
  size_t length;
  if (strncmp(arg, "--", 2) == 0) {
    const char *equals = strchr(arg, '=');
    length = equals ? (size_t)(equals - arg) : strlen(arg);
    c->attached = equals ? equals + 1 : NULL;
  } else {
    length = 2;
    c->attached = arg[2] ? arg + 2 : NULL;
  }
  if (length >= sizeof c->name) {
    return -1;
  }
  memcpy(c->name, arg, length);
  c->name[length] = '\0';
  return 1;
}

static const char *value(struct cursor *c) {
  if (c->attached != NULL) {
    return c->attached;
  }
  return c->next < c->argc ? c->argv[c->next++] : NULL;
}

/* A whole number as Integer.parseInt reads it, in [min, max]; only plain digits are taken here. */
static int whole(const char *text, int32_t min, int32_t max, int32_t *out) {
  if (text == NULL || text[0] == '\0' || strlen(text) > 9) {
    return -1;
  }
  int32_t number = 0;
  for (const char *p = text; *p; p++) {
    if (*p < '0' || *p > '9') {
      return -1;
    }
    number = number * 10 + (*p - '0');
  }
  if (number < min || number > max) {
    return -1;
  }
  *out = number;
  return 0;
}

/* A positive size as CommandLine.sizeValue reads it: DIGITS with an optional K, M or G (case ignored). */
static int size(const char *text, int64_t *bytes) {
  if (text == NULL || text[0] == '\0' || strlen(text) > 16) {
    return -1;
  }
  size_t length = strlen(text);
  int shift = 0;
  const char *units = "KkMmGg";
  const char *unit = strchr(units, text[length - 1]);
  if (unit != NULL) {
    shift = 10 * (1 + (int)(unit - units) / 2);
    length--;
  }
  if (length == 0 || length > 15) {
    return -1;
  }
  int64_t number = 0;
  for (size_t i = 0; i < length; i++) {
    if (text[i] < '0' || text[i] > '9') {
      return -1;
    }
    number = number * 10 + (text[i] - '0');
  }
  if (number <= 0 || number > (INT64_MAX >> shift)) {
    return -1;
  }
  *bytes = number << shift;
  return 0;
}

/* Positive seconds as BigDecimal reads them, to nanoseconds: DIGITS[.DIGITS] with at most 9 decimals. */
static int seconds(const char *text, int64_t *nanos) {
  if (text == NULL) {
    return -1;
  }
  int64_t whole_part = 0;
  int64_t fraction = 0;
  int digits = 0;
  int decimals = 0;
  const char *p = text;
  for (; *p >= '0' && *p <= '9'; p++, digits++) {
    if (whole_part > 9000000000LL) {
      return -1;
    }
    whole_part = whole_part * 10 + (*p - '0');
  }
  if (*p == '.') {
    for (p++; *p >= '0' && *p <= '9'; p++, digits++, decimals++) {
      if (decimals == 9) {
        return -1;
      }
      fraction = fraction * 10 + (*p - '0');
    }
  }
  if (*p != '\0' || digits == 0) {
    return -1;
  }
  for (int i = decimals; i < 9; i++) {
    fraction *= 10;
  }
  *nanos = whole_part * 1000000000LL + fraction;
  return *nanos > 0 ? 0 : -1;
}

static int environment_name(const char *name) {
  if (name == NULL || !((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) {
    return -1;
  }
  for (const char *p = name + 1; *p; p++) {
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) {
      return -1;
    }
  }
  return 0;
}

static int is(const struct cursor *c, const char *short_name, const char *long_name) {
  return (short_name != NULL && strcmp(c->name, short_name) == 0) || strcmp(c->name, long_name) == 0;
}

int parse_run_options(int argc, char **argv, struct run_options *o) {
  memset(o, 0, sizeof *o);
  o->input_terminator = "";
  o->output_terminator = "";
  o->server_timeout_nanos = 15000000000LL;
  o->workers = 1;
  o->max_record_size = 32LL << 20;
  struct cursor c = {.argc = argc, .argv = argv};
  int more;
  while ((more = next_option(&c)) == 1) {
    if (is(&c, "-t", "--input-terminator")) {
      if ((o->input_terminator = value(&c)) == NULL) {
        return -1;
      }
    } else if (is(&c, "-T", "--output-terminator")) {
      if ((o->output_terminator = value(&c)) == NULL) {
        return -1;
      }
    } else if (is(&c, "-P", "--output-prelude")) {
      if (whole(value(&c), 0, 999999999, &o->prelude_records) != 0) {
        return -1;
      }
    } else if (is(&c, NULL, "--prelude-lines")) {
      if (whole(value(&c), 0, 999999999, &o->prelude_lines) != 0) {
        return -1;
      }
    } else if (is(&c, "-w", "--process-timeout")) {
      if (seconds(value(&c), &o->process_timeout_nanos) != 0) {
        return -1;
      }
    } else if (is(&c, "-W", "--server-timeout")) {
      if (seconds(value(&c), &o->server_timeout_nanos) != 0) {
        return -1;
      }
    } else if (is(&c, "-l", "--log")) {
      if ((o->log = value(&c)) == NULL) {
        return -1;
      }
    } else if (is(&c, NULL, "--workers")) {
      if (whole(value(&c), 1, 64, &o->workers) != 0) {
        return -1;
      }
    } else if (is(&c, NULL, "--max-record-size")) {
      if (size(value(&c), &o->max_record_size) != 0) {
        return -1;
      }
    } else if (is(&c, "-u", "--unbuffered") && c.attached == NULL) {
      o->unbuffered = 1;
    } else if (is(&c, NULL, "--watch")) {
      if (o->watch_count == MAX_LISTED || (o->watch_paths[o->watch_count++] = value(&c)) == NULL) {
        return -1;
      }
    } else if (is(&c, NULL, "--env")) {
      const char *name = value(&c);
      if (o->env_count == MAX_LISTED || environment_name(name) != 0) {
        return -1;
      }
      o->env_names[o->env_count++] = name;
    } else if (is(&c, NULL, "--stderr") && c.attached == NULL) {
      o->forward_stderr = 1;
    } else {
      return -1; /* help, version, an option of another subcommand, or one added since */
    }
  }
  if (more < 0 || c.next >= argc || (o->prelude_records > 0 && o->prelude_lines > 0)) {
    return -1;
  }
  o->command = argv + c.next;
  o->command_count = argc - c.next;
  return 0;
}
