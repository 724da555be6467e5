#!/usr/bin/env bash
# Quality against the public data sets and speed, side by side with VADER and alt-profanity-check,
# then the learned layer's cross-source table (bench/_learned.py; says which data sets it needs) and the
# rule-only labels on real tweets to airline support and on Amazon reviews (bench/_rule_labels.py).
source "$(dirname "$0")/_venv.sh" "dev,bench"
python -m bench.run "$@"
python -m bench._learned --data "${CALMLINE_DATA:-../shared/data}"
exec python -m bench._rule_labels --data "${CALMLINE_DATA:-../shared/data}"
