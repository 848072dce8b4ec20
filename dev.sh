#!/usr/bin/env bash
# Planportal set-up in one command.
#   ./dev.sh run    install, migrate, load the demo data and start on http://127.0.0.1:8000/
#                   (PORT=8080 ./dev.sh run: another port; SITE_URL follows it unless set)
#   ./dev.sh test   install and run the whole test suite: the fast tests (a worker per CPU),
#                   then the slow ones (real Celery, OIDC, browser, operations) in one process;
#                   with arguments, one pytest run with exactly those arguments
set -euo pipefail
cd "$(dirname "$0")"

say() { printf '\033[1m%s\033[0m\n' "$*"; }

find_python() {
  # .python-version makes pyenv's python3 resolve to 3.12; fall back to any 3.12+.
  local candidate
  for candidate in python3 python3.12 python3.13 python3.14 \
      "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
        "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$candidate"
      return
    fi
  done
  echo "Planportal needs Python 3.12 or newer; none was found on PATH." >&2
  exit 1
}

install() {
  if [ ! -x .venv/bin/python ] ||
      ! .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    say "Creating .venv with $(find_python)"
    rm -rf .venv
    "$(find_python)" -m venv .venv
  fi
  say "Installing Python packages"
  # pip's own chatter goes to a log; it is shown only when the install fails.
  if ! { .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip &&
         .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"; } \
      > .venv/pip-install.log 2>&1; then
    cat .venv/pip-install.log >&2
    echo "Installing the Python packages failed (log: .venv/pip-install.log)." >&2
    exit 1
  fi
  if ! command -v msgfmt >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "Installing gettext (msgfmt) for the translations"
      apt-get update -qq && apt-get install -y -qq gettext >/dev/null
    else
      echo "msgfmt is missing: install gettext (e.g. 'sudo apt-get install gettext')." >&2
      exit 1
    fi
  fi
  if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "Installing Node.js and npm for the front-end packages"
      apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
    else
      echo "npm is missing: install Node.js (e.g. 'sudo apt-get install nodejs npm')." >&2
      exit 1
    fi
  fi
  # Designsystemet, htmx and axe-core come from package-lock.json; npm ci only when the
  # lock file is newer than the last install (npm keeps its copy in node_modules).
  if [ ! -f node_modules/.package-lock.json ] ||
      [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "Installing the front-end packages (npm ci)"
    npm ci --no-audit --no-fund --loglevel=error
  fi
  if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "Installing Chromium for the browser tests"
      apt-get update -qq && apt-get install -y -qq chromium >/dev/null
    else
      echo "Chromium is missing: the browser tests need it ('sudo apt-get install chromium')." >&2
    fi
  fi
  # The PgBouncer test (tests/operations/test_pgbouncer.py) runs a real transaction pool.
  if ! command -v pgbouncer >/dev/null 2>&1 && [ ! -x /usr/sbin/pgbouncer ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "Installing PgBouncer for the connection-pool test"
      apt-get update -qq && apt-get install -y -qq pgbouncer >/dev/null
    else
      echo "PgBouncer is missing: its test needs it ('sudo apt-get install pgbouncer')." >&2
    fi
  fi
  # WeasyPrint (report PDFs) loads Pango and HarfBuzz from the system.
  if ! .venv/bin/python -c 'import weasyprint' >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      say "Installing Pango for the PDF reports"
      apt-get update -qq && apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 \
        libharfbuzz-subset0 fonts-dejavu-core >/dev/null
    else
      echo "Pango is missing: the PDF reports need it ('sudo apt-get install libpango-1.0-0" \
        "libpangoft2-1.0-0 libharfbuzz-subset0')." >&2
      exit 1
    fi
  fi
  say "Compiling translations"
  # Compiling needs no secrets or database, so it runs in development mode whatever is set.
  DEBUG=true .venv/bin/python manage.py compilemessages --ignore=.venv -v 0
}

case "${1:-}" in
  run)
    install
    say "Migrating the database"
    .venv/bin/python manage.py migrate --no-input -v 0
    say "Loading the demo data"
    .venv/bin/python manage.py load_demo
    port="${PORT:-8000}"
    case "$port" in
      ''|*[!0-9]*) echo "PORT must be a port number, not '${port}'." >&2; exit 2 ;;
    esac
    # Links in e-mails and calendar feeds are made from SITE_URL: this server's address.
    export SITE_URL="${SITE_URL:-http://127.0.0.1:${port}}"
    cat <<INFO

  Planportal runs on http://127.0.0.1:${port}/  (admin: http://127.0.0.1:${port}/admin/)

  Demo logins (password for all: planportal-demo)
    admin        plan administrator (all five kommuner)
    sektorleder  sector leader, Helse og omsorg, Rendalen
    enhetsleder  unit manager, Hjemmetjenesten, Rendalen
    politiker    committee member (reader), Rendalen

  Stop with Ctrl+C.
INFO
    exec .venv/bin/python manage.py runserver "127.0.0.1:${port}"
    ;;
  test)
    shift
    install
    if [ $# -gt 0 ]; then
      say "Running the tests"
      exec .venv/bin/python -m pytest "$@"
    fi
    # loadfile keeps a module on one worker, so its module-scoped data is built once.
    # Each stage fails on a failing test and on an empty stage (pytest's exit code 5);
    # the slow stage runs even when the fast one failed, and the first failure is the answer.
    fast=0 slow=0
    say "Running the fast tests (a worker per CPU)"
    .venv/bin/python -m pytest -n auto --dist loadfile -m "not slow" || fast=$?
    # Serial: the slow tests commit, flush and restore serialized rows (content types
    # included), which holds only in pytest-django's own order.
    say "Running the slow tests: real Celery, OIDC, browser, operations"
    .venv/bin/python -m pytest -m slow || slow=$?
    if [ "$fast" != 0 ]; then exit "$fast"; fi
    exit "$slow"
    ;;
  *)
    echo "usage: ./dev.sh run | ./dev.sh test [pytest arguments]" >&2
    exit 2
    ;;
esac
