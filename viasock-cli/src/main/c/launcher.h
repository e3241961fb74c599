/*
 * Where this executable is, and the shell launcher of the JVM client beside it. This executable runs in one
 * of two roles:
 *  - a checkout's helper, target/native/viasock-client, which bin/viasock (the launcher) runs for `run` as
 *    `viasock-client LAUNCHER run ARGS...`;
 *  - an installation's command, bin/viasock itself, run as `viasock ARGS...`: it serves `run` and execs
 *    libexec/viasock-launcher, unchanged, for everything else, so that a warm call starts no shell.
 */
#ifndef VIASOCK_LAUNCHER_H
#define VIASOCK_LAUNCHER_H

#include "util.h"

/* Remembers argv[0], for systems without /proc/self/exe. */
void self_init(const char *argv0);

/* The real directory of this executable, symbolic links resolved; 0, or -1 when it cannot be found. */
int self_directory(struct text *out);

/*
 * When this executable is an installation's command (its real path ends in bin/viasock), sets `launcher`
 * to the launcher beside it and returns 1; else returns 0.
 */
int installed_command(struct text *launcher);

/* The launcher to exec, with its arguments (argv[0] the launcher's path, as a shell gives it as $0). */
void hand_off_init(const char *launcher, char **argv);

/*
 * Hands the whole command to the JVM client: execs the launcher with VIASOCK_CLIENT=jvm. Only ever called
 * before anything was read from stdin, so the JVM client sees exactly what this one was given.
 */
_Noreturn void hand_off(void);

/* Execs the launcher as it is, environment unchanged: for the subcommands other than `run`. */
_Noreturn void pass_on(void);

#endif
