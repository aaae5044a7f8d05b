# Sourced by the scripts that build images without an image registry (build-image.sh for the sandbox,
# build-base-image.sh for the app's base): a minimal Debian tree made with debootstrap from the package
# mirror apt already uses, then `docker import`ed. One copy of these steps, so the two images are made
# the same way. Not executable on its own.
#
# The caller sets REPOSITORY before sourcing; it gets:
#   input_hash FILE...        first 12 hex digits of the files' sha256: an image tag that changes with its inputs
#   require_build_tools       root, debootstrap and docker, or a message saying which is missing
#   lock_builds               one build of REPOSITORY at a time on this machine (flock)
#   make_rootfs SUITE PKGS    debootstrap SUITE into $rootfs and install PKGS (comma-separated) with apt inside
#   slim_rootfs               drop package caches and lists, documentation, logs
#   import_rootfs IMAGE CHANGE...   `docker import` $rootfs as IMAGE with `--change CHANGE` for each
# Progress goes to stderr; stdout stays free for the tag the caller prints.

log() { printf '%s: %s\n' "$(basename "$0" .sh)" "$*" >&2; }

input_hash() {
  cat "$@" | sha256sum | cut -c1-12
}

require_build_tools() {
  if [ "$(id -u)" -ne 0 ]; then
    echo "$(basename "$0") needs root (debootstrap and chroot); run it with sudo." >&2
    exit 1
  fi
  local tool
  for tool in debootstrap docker; do
    command -v "$tool" >/dev/null || {
      echo "$(basename "$0") needs $tool (apt-get install -y ${tool/docker/docker.io}), or run sandbox/setup-host.sh." >&2
      exit 1
    }
  done
}

lock_builds() {
  # Two CI jobs on one machine must not build (and import) the same image at once.
  exec 9>"/tmp/$REPOSITORY-build.lock"
  flock 9
}

# The first Debian mirror apt is configured with (deb822 .sources or one-line lists); deb.debian.org
# otherwise. Security and third-party entries are skipped: debootstrap wants the main archive.
find_mirror() {
  local file uri
  for file in /etc/apt/sources.list.d/*.sources; do
    [ -f "$file" ] || continue
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) print $i }' "$file" | grep -E '/debian/?$' | head -n1 || true)
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$file" ] || continue
    uri=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^(https?|file):/) { print $i; break } }' "$file" |
      grep -E '/debian/?$' | head -n1 || true)
    [ -n "$uri" ] && { echo "$uri"; return; }
  done
  echo http://deb.debian.org/debian
}

rootfs=
cleanup_rootfs() {
  [ -n "$rootfs" ] || return 0
  umount "$rootfs/proc" 2>/dev/null || true
  rm -rf "$rootfs"
}

make_rootfs() {
  local suite=$1 packages=$2 mirror
  mirror=${HANDSBOT_DEBIAN_MIRROR:-$(find_mirror)}
  rootfs=$(mktemp -d /var/tmp/handsbot-rootfs.XXXXXX)
  trap cleanup_rootfs EXIT
  build_started=$SECONDS
  log "debootstrap $suite from $mirror into $rootfs"
  debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >&2
  log "base system in $((SECONDS - build_started)) s; installing ${packages//,/ }"
  # The packages go in with apt inside the new tree, not debootstrap's --include: its resolver ignores
  # alternatives and virtual packages, and npm's dependency tree fails to configure through it.
  echo "deb $mirror $suite main" >"$rootfs/etc/apt/sources.list"
  mount -t proc proc "$rootfs/proc"
  chroot "$rootfs" apt-get -qq -o APT::Sandbox::User=root update >&2
  DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get -qq -o APT::Sandbox::User=root install -y \
    --no-install-recommends -o Dpkg::Use-Pty=0 ${packages//,/ } >/dev/null
  chroot "$rootfs" apt-get clean
  umount "$rootfs/proc"
}

slim_rootfs() {
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
    "$rootfs"/var/log/*.log "$rootfs"/var/log/apt/* "$rootfs"/var/cache/debconf/*-old \
    "$rootfs"/etc/resolv.conf "$rootfs"/etc/hostname
  log "rootfs ready in $((SECONDS - build_started)) s ($(du -sh "$rootfs" | cut -f1))"
}

import_rootfs() {
  local image=$1 change
  shift
  local args=()
  for change in "$@"; do args+=(--change "$change"); done
  tar --numeric-owner -C "$rootfs" -c . | docker import "${args[@]}" - "$image" >&2
  log "imported $image in $((SECONDS - build_started)) s total"
}
