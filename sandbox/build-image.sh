#!/usr/bin/env bash
# Builds the sandbox image without an image registry: debootstrap a minimal Debian bookworm from the
# package mirror apt already uses, add the unprivileged `agent` user, and `docker import` the tree.
# The result matches sandbox/Dockerfile (built where a registry is reachable).
#
#   sandbox/build-image.sh [--force] [TAG]
#
# TAG defaults to a hash of this script and debian-rootfs.sh, so editing them (the package list...)
# yields a new image and unchanged scripts reuse the one already built; that build is also tagged
# handsbot-sandbox:latest. Progress goes to stderr; the image name is the only line on stdout, for
# `image=$(sandbox/build-image.sh)`. Needs root, debootstrap and docker (sandbox/setup-host.sh
# installs them and runs this).
# HANDSBOT_DEBIAN_MIRROR overrides the mirror found in /etc/apt/sources.list*.
set -euo pipefail

REPOSITORY=handsbot-sandbox
SUITE=bookworm
AGENT_UID=10001
# git/curl for the agent's work, procps for `ps`/`pkill` (the workspace interrupts with them),
# build-essential, Node and Python for the usual project setups, ripgrep for searching.
PACKAGES=bash,ca-certificates,curl,git,procps,build-essential,nodejs,npm,python3,python3-venv,ripgrep,less,xz-utils,unzip

force=0
tag=
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    -h | --help)
      sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*)
      echo "unknown option: $arg" >&2
      exit 2
      ;;
    *) tag=$arg ;;
  esac
done

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=sandbox/debian-rootfs.sh
. "$here/debian-rootfs.sh"
default_tag=$(input_hash "$here/build-image.sh" "$here/debian-rootfs.sh")
tag=${tag:-$default_tag}
image="$REPOSITORY:$tag"

require_build_tools
lock_builds

# `latest` follows the default build, so HANDSBOT_SANDBOX_IMAGE's default (handsbot-sandbox:latest)
# names an image this script made; a build under a tag of the caller's own leaves it alone.
finish() {
  [ "$tag" = "$default_tag" ] && docker tag "$image" "$REPOSITORY:latest"
  echo "$image"
}

if [ "$force" -eq 0 ] && docker image inspect "$image" >/dev/null 2>&1; then
  log "$image exists (use --force to rebuild)"
  finish
  exit 0
fi

make_rootfs "$SUITE" "$PACKAGES"

# Numeric ids on purpose: the workspace may run the container as the worker's own uid instead, and
# HOME is a tmpfs mounted at run time (the root filesystem is read-only).
chroot "$rootfs" groupadd --gid "$AGENT_UID" agent
chroot "$rootfs" useradd --uid "$AGENT_UID" --gid "$AGENT_UID" --create-home --shell /bin/bash agent
mkdir -p "$rootfs/workspace"
chmod 0755 "$rootfs/workspace"

slim_rootfs
import_rootfs "$image" \
  "USER $AGENT_UID:$AGENT_UID" \
  'WORKDIR /workspace' \
  'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/home/agent' \
  'LABEL org.opencontainers.image.title=handsbot-sandbox' \
  'CMD ["sleep", "infinity"]'
finish
