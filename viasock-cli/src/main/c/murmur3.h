/* MurmurHash3_x64_128 with seed 0, as Guava's Hashing.murmur3_128() computes it. */
#ifndef VIASOCK_MURMUR3_H
#define VIASOCK_MURMUR3_H

#include <stddef.h>
#include <stdint.h>

/* The 16 bytes of the hash in Guava's HashCode order: h1 then h2, each little-endian. */
void murmur3_128(const void *data, size_t length, uint8_t out[16]);

#endif
