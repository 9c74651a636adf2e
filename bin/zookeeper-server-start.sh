#!/usr/bin/env bash
# Kafka's bin/zookeeper-server-start.sh, served by the zkafka binary beside this script.
self="$(readlink -f -- "$0" 2>/dev/null || printf '%s' "$0")"
export ZKAFKA_SCRIPT="$0"
exec "$(dirname -- "$self")/zkafka" zookeeper-server-start "$@"
