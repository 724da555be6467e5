#!/usr/bin/env bash
# Rebuild the shipped models from ../shared/data (deterministic; about two minutes).
source "$(dirname "$0")/_venv.sh" "dev,train"
exec python training/train_models.py --data "${CALMLINE_DATA:-../shared/data}" --out calmline/models "$@"
