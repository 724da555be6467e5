#!/usr/bin/env bash
# Set up and run the whole test suite (warnings are errors, see pyproject.toml).
source "$(dirname "$0")/_venv.sh" dev
exec python -m pytest "$@"
