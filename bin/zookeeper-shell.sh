#!/usr/bin/env bash
# Kafka's bin/zookeeper-shell.sh, served by the zkafka binary beside this script.
self=$0
if [ -L "$self" ]; then self="$(readlink -f -- "$self" 2>/dev/null || printf '%s' "$self")"; fi
case "$self" in */*) dir="${self%/*}" ;; *) dir=. ;; esac
exec "$dir/zkafka" zookeeper-shell "$@"
