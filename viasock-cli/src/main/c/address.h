/*
 * Which server serves a call: the key (docs/protocol.md, "The server's address") and the files it names. The
 * Java library's ServerKey computes the same bytes; ServerAddressConformanceIT proves that both agree.
 */
#ifndef VIASOCK_ADDRESS_H
#define VIASOCK_ADDRESS_H

#include "options.h"
#include "util.h"

#define KEY_LENGTH 20

struct address {
  char key[KEY_LENGTH + 1];
  struct text state_dir;
  struct text socket;
  struct text lock;
  struct text log;
  struct text working_dir;
  struct text executable;
};

/*
 * Computes the address of the server for these options in this working directory and environment. Returns
 * 0, or -1 when the JVM client must take the call: the program is not found, the state directory does not
 * exist or is not private, a text is not what the JVM would read the same way (not UTF-8).
 */
int compute_address(const struct run_options *options, struct address *address);

/* The key's input bytes (for the conformance test's hidden mode). */
int encode_address(const struct run_options *options, struct address *address, struct text *encoded);

/* An absolute path, normalized as java.nio's Path.normalize does (".", "..", repeated slashes). */
void normalize_path(const char *base, const char *path, struct text *out);

/* Path.of(path).toString(): repeated slashes made one, a trailing slash dropped. */
void java_path_text(const char *path, struct text *out);

#endif
