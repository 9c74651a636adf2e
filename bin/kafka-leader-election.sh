#!/usr/bin/env bash
# Kafka's bin/kafka-leader-election.sh, served by the zkafka binary beside this script.
self="$(readlink -f -- "$0" 2>/dev/null || printf '%s' "$0")"
exec "$(dirname -- "$self")/zkafka" kafka-leader-election "$@"
