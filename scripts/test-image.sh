#!/usr/bin/env bash
# Makes the manylinux-like test image locally (no registry is reachable here) from Debian packages and
# prints its tag. The tag carries a hash of this recipe: an image or archive of another recipe is never
# reused. The root file system is kept as an archive in the cache directory (outside the clone), so a new
# daemon or a rerun imports it in seconds instead of bootstrapping again.
#   usage: scripts/test-image.sh [cache dir]     (needs root for debootstrap on a cache miss)
# What it has, as the PyPA manylinux images have it: a CPython at /opt/python/cp311-cp311/bin/python
# (a venv of Debian's 3.11), gcc/g++, make, cmake, patchelf, git, and apt to install more (ccache is
# deliberately absent: the action installs it, as root, inside the container). Debian's Python reports
# CC=x86_64-linux-gnu-gcc, unlike the PyPA images.
set -euo pipefail
cache="${1:-$HOME/.cache/dipy-wheels-ci}"
packages=python3,python3-venv,python3-pip,python3-dev,gcc,g++,make,cmake,patchelf,git,ca-certificates,libgomp1,pkg-config
recipe="$(sha256sum "$0" | cut -c1-12)"
tag="dipy-wheels-test/manylinux-like:$recipe"
archive="$cache/test-image-$recipe.tar"

if docker image inspect "$tag" >/dev/null 2>&1; then echo "$tag"; exit 0; fi
mkdir -p "$cache"
if [ ! -s "$archive" ]; then
  command -v debootstrap >/dev/null || {
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >/dev/null
  }
  # The host's own Debian mirror, as apt is configured here (the project names no host).
  mirror="$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)"
  [ -n "$mirror" ] || mirror="$(awk '/^deb /{print $2; exit}' /etc/apt/sources.list 2>/dev/null)"
  rootfs="$(mktemp -d "$cache/rootfs.XXXXXX")"
  trap 'rm -rf "$rootfs"' EXIT
  chmod 755 "$rootfs"
  echo "test image: debootstrap bookworm from the host's mirror (a few minutes)" >&2
  debootstrap --variant=minbase --include="$packages" bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -n 30 "$cache/debootstrap.log" >&2; exit 1; }
  # The host's extra CA certificates (its egress proxy) and apt settings, so pip and apt work inside.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
    chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
  fi
  printf '[global]\ncert = /etc/ssl/certs/ca-certificates.crt\n' >"$rootfs/etc/pip.conf"
  cp /etc/apt/apt.conf.d/99* "$rootfs/etc/apt/apt.conf.d/" 2>/dev/null || true
  chroot "$rootfs" /usr/bin/python3 -m venv /opt/python/cp311-cp311
  chroot "$rootfs" apt-get clean
  tar --numeric-owner -C "$rootfs" -cf "$archive.part" .
  mv "$archive.part" "$archive"
fi
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' "$archive" "$tag" >/dev/null
echo "$tag"
