#!/usr/bin/env bash
# Set up and run the main job: the live service on the embedded SQLite database, seeded with demo
# conversations; it prints the console URL and login tokens. Ctrl-C stops it.
# (For the command-line analysis of the bundled samples only: .venv/bin/calmline demo)
source "$(dirname "$0")/_venv.sh" "service"
exec calmline serve --demo --database-url "sqlite:///${CALMLINE_DEMO_DB:-calmline-demo.db}" "$@"
