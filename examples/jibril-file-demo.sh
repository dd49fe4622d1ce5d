#!/bin/sh
# Writes the 12 pretty-printed sample events to FILE (default: var/jibril.out, which config/dev.yaml
# follows) the way Jibril's varlog printer does, each with a fresh uuid and the current time, and
# rotates the file halfway the way logrotate does (rename, then a new file).
# Usage: examples/jibril-file-demo.sh [FILE]      (from the checkout)
set -eu
file=${1:-var/jibril.out}
here=$(dirname "$0")
mkdir -p "$(dirname "$file")"
n=0
for sample in "$here"/events/[0-9]*.json; do
  uuid=$(cat /proc/sys/kernel/random/uuid)
  now=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
  # The first "uuid" and "timestamp" of each sample are its top-level ones.
  sed -e "0,/\"uuid\": \"[^\"]*\"/s//\"uuid\": \"$uuid\"/" \
      -e "0,/\"timestamp\": \"[^\"]*\"/s//\"timestamp\": \"$now\"/" "$sample" >> "$file"
  echo "appended $(basename "$sample") to $file"
  n=$((n + 1))
  if [ "$n" -eq 6 ]; then
    mv "$file" "$file.1"
    echo "rotated $file to $file.1"
    sleep 0.2
  fi
  sleep 0.1
done
