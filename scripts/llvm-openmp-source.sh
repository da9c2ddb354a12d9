#!/usr/bin/env bash
# Makes the local source archive the libomp recipe test builds from: LLVM 19.1.7's openmp/ and cmake/
# directories, taken from Debian's source package llvm-toolchain-19 (its .orig.tar.xz is the LLVM monorepo
# at llvmorg-19.1.7, laid out like LLVM's own llvm-project-19.1.7.src.tar.xz). apt verifies the download
# against the signed Sources index. Debian's apt is the only outside source here; no system apt
# configuration is changed (a private sources list and lists directory are used).
# Usage: scripts/llvm-openmp-source.sh DEST.tar.gz
set -euo pipefail
dest="${1:?usage: $0 DEST.tar.gz}"
[ -s "$dest" ] && { echo "libomp test source: $dest (present)"; exit 0; }
version=19.1.7
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
. /etc/os-release
codename="${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}"
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/get"
echo "deb-src http://deb.debian.org/debian $codename main" >"$work/sources.list"
apt_opts=(-q -o APT::Sandbox::User=root -o "Dir::Etc::sourcelist=$work/sources.list" -o Dir::Etc::sourceparts=- \
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache")
apt-get "${apt_opts[@]}" update >/dev/null
(cd "$work/get" && apt-get "${apt_opts[@]}" source --download-only llvm-toolchain-19 >/dev/null)
orig="$(ls "$work"/get/llvm-toolchain-19_"$version"*.orig.tar.xz 2>/dev/null | head -1)"
if [ -z "$orig" ]; then
  echo "Debian's llvm-toolchain-19 source is not version $version:" >&2
  ls "$work/get" >&2
  exit 1
fi
top="$(basename "$orig" .orig.tar.xz)" # llvm-toolchain-19_19.1.7
tar -xJf "$orig" -C "$work" "$top/openmp" "$top/cmake" "$top/LICENSE.TXT"
mv "$work/$top" "$work/llvm-project-$version.src"
mkdir -p "$(dirname "$dest")"
tar -czf "$dest.tmp" -C "$work" "llvm-project-$version.src"
mv "$dest.tmp" "$dest"
echo "libomp test source: $dest ($(du -h "$dest" | cut -f1))"
