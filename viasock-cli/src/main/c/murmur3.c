#include "murmur3.h"

static uint64_t rotl(uint64_t x, int r) {
  return (x << r) | (x >> (64 - r));
}

static uint64_t fmix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdULL;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ULL;
  k ^= k >> 33;
  return k;
}

/* One lane's mixing of a block word: multiply, rotate, multiply. */
static uint64_t mix(uint64_t k, uint64_t first, int rotation, uint64_t second) {
  k *= first;
  k = rotl(k, rotation);
  return k * second;
}

static uint64_t load_le(const uint8_t *p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) {
    v |= (uint64_t)p[i] << (8 * i);
  }
  return v;
}

void murmur3_128(const void *data, size_t length, uint8_t out[16]) {
  const uint8_t *bytes = data;
  const uint64_t c1 = 0x87c37b91114253d5ULL;
  const uint64_t c2 = 0x4cf5ad432745937fULL;
  uint64_t h1 = 0;
  uint64_t h2 = 0;
  size_t blocks = length / 16;
  for (size_t i = 0; i < blocks; i++) {
    h1 ^= mix(load_le(bytes + i * 16, 8), c1, 31, c2);
    h1 = (rotl(h1, 27) + h2) * 5 + 0x52dce729;
    h2 ^= mix(load_le(bytes + i * 16 + 8, 8), c2, 33, c1);
    h2 = (rotl(h2, 31) + h1) * 5 + 0x38495ab5;
  }
  const uint8_t *tail = bytes + blocks * 16;
  size_t rest = length & 15;
  if (rest > 8) {
    h2 ^= mix(load_le(tail + 8, rest - 8), c2, 33, c1);
  }
  if (rest > 0) {
    h1 ^= mix(load_le(tail, rest > 8 ? 8 : rest), c1, 31, c2);
  }
  h1 ^= (uint64_t)length;
  h2 ^= (uint64_t)length;
  h1 += h2;
  h2 += h1;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 += h2;
  h2 += h1;
  for (int i = 0; i < 8; i++) {
    out[i] = (uint8_t)(h1 >> (8 * i));
    out[8 + i] = (uint8_t)(h2 >> (8 * i));
  }
}
