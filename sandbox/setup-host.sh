#!/usr/bin/env bash
# Makes a Debian/Ubuntu machine ready to run handsbot's demo, tests and workers: installs what is
# missing (git, redis-server and redis-tools, docker.io, debootstrap), starts Redis on 127.0.0.1:6379
# and the Docker engine when they do not answer, and builds the sandbox image (cached by a hash of its
# scripts; also tagged handsbot-sandbox:latest). Each step says what it does and why on stderr and is
# skipped when already done, so running it again costs a few seconds.
#
#   sudo sandbox/setup-host.sh [--deploy]
#
#   --deploy   also install docker-compose and build the app image (the root Dockerfile), for
#              deployments and the tests of the deployment files
#
# The sandbox image's name is the only line on stdout: export HANDSBOT_SANDBOX_IMAGE=$(sudo sandbox/setup-host.sh)
# (with --deploy the app image's name follows on a second line). Used by .ci/run and by `npm run demo`.
set -euo pipefail

deploy=0
for arg in "$@"; do
  case "$arg" in
    --deploy) deploy=1 ;;
    -h | --help)
      sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "unknown argument: $arg (see --help)" >&2
      exit 2
      ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
say() { printf 'setup-host: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi; }
if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
  echo "setup-host.sh installs packages and starts services: run it as root or with sudo: sudo $0 $*" >&2
  exit 1
fi

# A command is looked for in the sbin folders too: a non-root PATH often lacks them (dockerd, debootstrap).
has() { PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" command -v "$1" >/dev/null; }

need=()
why=()
present=()
want() { # want COMMAND PACKAGE REASON: the package is installed unless the command is there
  if has "$1"; then present+=("$2"); else need+=("$2") && why+=("$2 ($3)"); fi
}
want git git "the worker clones and pushes with it"
want redis-server redis-server "the job queue"
want redis-cli redis-tools "to check that Redis answers"
# A docker client alone (as /usr/local/bin/docker may be) is not enough: the engine is what runs sandboxes.
want dockerd docker.io "every run's sandbox is a container"
# No image registry is needed: the images are built from Debian's package mirror with debootstrap.
want debootstrap debootstrap "builds the images from Debian's packages"
[ "$deploy" -eq 1 ] && want docker-compose docker-compose "reads docker-compose.yml"
[ ${#present[@]} -gt 0 ] && say "installed already: ${present[*]}"
if [ ${#need[@]} -gt 0 ]; then
  say "installing what is missing:"
  for reason in "${why[@]}"; do say "  - $reason"; done
  as_root apt-get update >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y --no-install-recommends "${need[@]}" >&2
fi

# Redis for the queue. Loopback only and no persistence: this is the development and test Redis (a
# deployment runs its own, with append-only persistence: docker-compose.yml).
if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  say "Redis answers on 127.0.0.1:6379"
else
  say "starting redis-server on 127.0.0.1:6379 (the job queue; nothing answered there)"
  as_root redis-server --daemonize yes --port 6379 --bind 127.0.0.1 --save '' --appendonly no >&2
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
  redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || {
    echo "redis-server started but does not answer on 127.0.0.1:6379" >&2
    exit 1
  }
fi

# The Docker engine. Without systemd (a container, WSL) nothing starts dockerd after its install:
# start it detached from this script (stdin closed, output to a log) and wait until it answers.
if as_root docker info >/dev/null 2>&1; then
  say "the Docker engine answers"
else
  dockerd_log=/var/log/handsbot-dockerd.log
  if as_root sh -c 'command -v systemctl >/dev/null && [ -d /run/systemd/system ]'; then
    say "starting the Docker engine with systemctl (runs every sandbox)"
    as_root systemctl start docker >&2
  else
    say "starting dockerd in the background, log in $dockerd_log (runs every sandbox; no systemd here)"
    as_root sh -c "setsid dockerd >'$dockerd_log' 2>&1 </dev/null &"
  fi
  for _ in $(seq 1 60); do as_root docker info >/dev/null 2>&1 && break; sleep 0.5; done
  if ! as_root docker info >/dev/null 2>&1; then
    echo "dockerd did not answer within 30 s; the end of $dockerd_log:" >&2
    as_root tail -n 40 "$dockerd_log" >&2 || true
    exit 1
  fi
fi

# The two images are built side by side: each debootstraps its own tree, mostly waiting on the mirror.
if [ "$deploy" -eq 1 ]; then
  say "the sandbox image and the app image (the root Dockerfile, on a base also built from Debian's packages): built once, a few minutes, then reused:"
  app_out=$(mktemp)
  as_root "$here/build-app-image.sh" </dev/null >"$app_out" &
  app_build=$!
else
  say "the sandbox image (built once from Debian's packages, a few minutes; then reused):"
fi
as_root "$here/build-image.sh" </dev/null
if [ "$deploy" -eq 1 ]; then
  wait "$app_build" || {
    echo "the app image did not build (sandbox/build-app-image.sh); its output is above" >&2
    exit 1
  }
  cat "$app_out"
  rm -f "$app_out"
fi
