#!/bin/sh
# Shows what viasock is for: calls a slow-starting filter (examples/slow-upcase, 0.5 s start-up) directly
# three times, then through viasock three times, and prints how long each call took.
set -eu
here=$(cd "$(dirname "$0")" && pwd -P)
viasock="$here/../bin/viasock"
export VIASOCK_DIR="${VIASOCK_DIR:-$(mktemp -d)/viasock}"
input=$(printf 'the quick brown fox\njumps over the lazy dog\n')

# Milliseconds from GNU date where it has %N, else from python3 (slower to start, so the figures grow).
if [ "$(date +%N)" != "%N" ] && [ "$(date +%N)" != "N" ]; then
  millis() { echo $(( $(date +%s%N) / 1000000 )); }
else
  millis() { python3 -c 'import time; print(int(time.time() * 1000))'; }
fi
timed() {
  label=$1; shift
  start=$(millis)
  output=$(printf '%s\n' "$input" | "$@")
  end=$(millis)
  printf '%-26s %5d ms   %s\n' "$label" $((end - start)) "$(printf '%s' "$output" | head -n 1)"
}

for i in 1 2 3; do timed "direct call $i" "$here/slow-upcase"; done
timed "viasock call 1 (cold)" "$viasock" run -W 5 "$here/slow-upcase"
for i in 2 3; do timed "viasock call $i (warm)" "$viasock" run -W 5 "$here/slow-upcase"; done
echo "(the server stops by itself after 5 idle seconds)"
