# Sourced by the other scripts: make .venv (once) and install the project with the given extras.
# The install is skipped when nothing it depends on changed since the last one (a stamp in
# .venv holds a hash of pyproject.toml, the extras and the Python version); pip's and the
# build backend's output goes to .venv/pip-install.log and is shown only when pip fails.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY=${PYTHON:-python3}
EXTRAS=${1:-dev}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip >.venv/pip-install.log 2>&1 || { cat .venv/pip-install.log >&2; exit 1; }
fi
_calmline_stamp() {
  .venv/bin/python - "$EXTRAS" <<'PYEOF'
import hashlib, sys
h = hashlib.sha256(open("pyproject.toml", "rb").read())
h.update(f"|{sys.argv[1]}|{sys.version}|{sys.prefix}".encode())
print(h.hexdigest())
PYEOF
}
STAMP_FILE=".venv/.calmline-installed-$(printf '%s' "$EXTRAS" | tr -c 'A-Za-z0-9' '_')"
STAMP=$(_calmline_stamp)
if [ "${CALMLINE_FORCE_INSTALL:-0}" != "1" ] && [ -f "$STAMP_FILE" ] && [ "$(cat "$STAMP_FILE")" = "$STAMP" ] \
   && .venv/bin/python -c "import importlib.util, sys; sys.exit(importlib.util.find_spec('calmline') is None)" 2>/dev/null; then
  : # installed with these extras and this pyproject.toml already
else
  if ! .venv/bin/python -m pip install -q -e ".[${EXTRAS}]" >.venv/pip-install.log 2>&1; then
    cat .venv/pip-install.log >&2
    echo "pip install failed (log: .venv/pip-install.log)" >&2
    exit 1
  fi
  printf '%s\n' "$STAMP" >"$STAMP_FILE"
fi
export PATH="$PWD/.venv/bin:$PATH"
