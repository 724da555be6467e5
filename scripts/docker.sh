#!/usr/bin/env bash
# Build the container image and check it starts (calmline --version, then /ready on SQLite).
# Where docker or its daemon is not available (e.g. CI without docker) it says so and replays the image's
# build and run steps without an engine instead (scripts/image_replay.sh): wheels, offline install, /ready.
set -euo pipefail
cd "$(dirname "$0")/.."
TAG=${CALMLINE_IMAGE:-calmline:ci}
if ! command -v docker >/dev/null 2>&1; then
  echo "docker image: SKIPPED (docker is not installed on this machine)"
  exec bash scripts/image_replay.sh
fi
if ! timeout 20 docker info >/dev/null 2>&1; then
  echo "docker image: SKIPPED (docker is installed but its daemon is not reachable)"
  exec bash scripts/image_replay.sh
fi
docker build -q -t "$TAG" . >/dev/null
docker run --rm "$TAG" --version
name="calmline-ci-$$"
docker run -d --rm --name "$name" -e CALMLINE_ADMIN_TOKEN=cl_ci_cisecret "$TAG" >/dev/null
trap 'docker rm -f "$name" >/dev/null 2>&1 || true' EXIT
for _ in $(seq 60); do
  if docker exec "$name" python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=2)" 2>/dev/null; then
    user=$(docker exec "$name" id -u)
    [ "$user" != 0 ] || { echo "docker image: runs as root" >&2; exit 1; }
    echo "docker image: built $TAG, ready on SQLite, runs as uid $user"
    exit 0
  fi
  sleep 1
done
docker logs "$name" >&2 || true
echo "docker image: did not become ready in 60 s" >&2
exit 1
