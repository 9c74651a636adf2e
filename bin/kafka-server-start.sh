#!/usr/bin/env bash
# Kafka's bin/kafka-server-start.sh, served by the zkafka binary beside this script.
self=$0
if [ -L "$self" ]; then self="$(readlink -f -- "$self" 2>/dev/null || printf '%s' "$self")"; fi
case "$self" in */*) dir="${self%/*}" ;; *) dir=. ;; esac
export ZKAFKA_SCRIPT="$0"
exec "$dir/zkafka" kafka-server-start "$@"
