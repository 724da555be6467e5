#!/usr/bin/env bash
# ruff (lint + format check) and mypy --strict on the package.
source "$(dirname "$0")/_venv.sh" dev
ruff check calmline tests bench training
ruff format --check calmline tests bench training
mypy calmline
