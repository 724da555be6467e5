#!/usr/bin/env bash
# Set up and run the main job: analyse the bundled sample conversations.
source "$(dirname "$0")/_venv.sh" ""
exec calmline demo "$@"
