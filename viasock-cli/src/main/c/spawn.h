/*
 * A cold call without a client JVM: under the key's spawn lock (the lock file protocol of the Java library's
 * SpawnLock), the native client starts the server JVM itself, detached as ServerLauncher detaches it (its own
 * session, stdin from /dev/null, stderr appended to its log, nobody's child), and waits for its READY line.
 */
#ifndef VIASOCK_SPAWN_H
#define VIASOCK_SPAWN_H

#include "address.h"
#include "options.h"

/*
 * Makes sure a server listens on the address: 0 when one does now (started here or by another caller), -1
 * when the JVM client must take the call (a dead server's programs to reap, a server that failed to start,
 * no build to start it from): it does those with the messages users know.
 */
int spawn_server(const struct run_options *options, const struct address *address);

#endif
