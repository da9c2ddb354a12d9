#!/usr/bin/env bash
# A real Docker engine for the tests, sourced by .ci/run:
#   engine_up    uses the engine that answers; else installs Debian's docker.io (as root, when dockerd is
#                missing) and starts dockerd on its unix socket, recording the PID of the daemon it started
#   engine_down  stops only the daemon engine_up started (never one that was already running)
# The daemon's log is .cache/ci/dockerd.log. After engine_up, DIPY_WHEELS_ENGINE_STARTED is 1 or 0.
ENGINE_LOG="${ENGINE_LOG:-$PWD/.cache/ci/dockerd.log}"
ENGINE_PID=''

engine_answers() { timeout 20 docker info >/dev/null 2>&1; }

engine_install() {
  command -v dockerd >/dev/null && command -v docker >/dev/null && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "engine: dockerd is not installed and this is not root: install Debian's docker.io" >&2
    return 1
  fi
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends docker.io iptables >/dev/null
}

engine_start() { # storage driver
  mkdir -p "$(dirname "$ENGINE_LOG")"
  setsid dockerd --host unix:///var/run/docker.sock --storage-driver "$1" >>"$ENGINE_LOG" 2>&1 &
  ENGINE_PID=$!
  for _ in $(seq 60); do
    engine_answers && return 0
    kill -0 "$ENGINE_PID" 2>/dev/null || break
    sleep 1
  done
  kill "$ENGINE_PID" 2>/dev/null; wait "$ENGINE_PID" 2>/dev/null
  ENGINE_PID=''
  return 1
}

engine_up() {
  DIPY_WHEELS_ENGINE_STARTED=0
  if engine_answers; then
    echo "engine: using the Docker engine that answers ($(docker version --format '{{.Server.Version}}'))"
    return 0
  fi
  engine_install || return 1
  if [ "$(id -u)" != 0 ]; then
    echo "engine: no Docker engine answers and only root starts one here" >&2
    return 1
  fi
  # overlay2 first; vfs where the kernel or the filesystem refuses overlay mounts.
  if engine_start overlay2 || engine_start vfs; then
    DIPY_WHEELS_ENGINE_STARTED=1
    echo "engine: started dockerd $(docker version --format '{{.Server.Version}}') (PID $ENGINE_PID, log $ENGINE_LOG)"
    return 0
  fi
  echo "engine: dockerd did not come up; its log:" >&2
  tail -n 20 "$ENGINE_LOG" >&2
  return 1
}

engine_down() {
  [ -n "$ENGINE_PID" ] || return 0
  kill "$ENGINE_PID" 2>/dev/null || true
  for _ in $(seq 30); do kill -0 "$ENGINE_PID" 2>/dev/null || break; sleep 1; done
  kill -9 "$ENGINE_PID" 2>/dev/null || true
  echo "engine: stopped the dockerd it started (PID $ENGINE_PID)"
  ENGINE_PID=''
}
