#!/usr/bin/env bash
# Build the docs site (docs/ + API reference from the docstrings) into site/; warnings fail the build.
source "$(dirname "$0")/_venv.sh" "dev,docs"
mkdocs build --strict --site-dir "${1:-site}"
