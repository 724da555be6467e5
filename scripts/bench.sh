#!/usr/bin/env bash
# Quality against the public data sets and speed, side by side with VADER and alt-profanity-check,
# then the learned layer's cross-source table (bench/_learned.py; says which data sets it needs).
source "$(dirname "$0")/_venv.sh" "dev,bench"
python -m bench.run "$@"
exec python -m bench._learned --data "${CALMLINE_DATA:-../shared/data}"
