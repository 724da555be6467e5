#!/usr/bin/env bash
# Quality against the public data sets and speed, side by side with VADER and alt-profanity-check.
source "$(dirname "$0")/_venv.sh" "dev,bench"
exec python -m bench.run "$@"
