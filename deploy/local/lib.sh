# shellcheck shell=bash
# What the deploy/local scripts share: log lines, pid files that may be stale, ports, bounded stops.
# Sourced, never run: the script sets LOG_PREFIX (and LOG_FILE, for show_log_tail) before using these.

log() { printf '[%s] %s\n' "${LOG_PREFIX}" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

show_log_tail() {
  if [[ -f "${LOG_FILE}" ]]; then
    log "last 50 lines of ${LOG_FILE}:"
    tail -n 50 "${LOG_FILE}" >&2 || true
  else
    log "no log file at ${LOG_FILE}"
  fi
}

# pid_in_file FILE PATTERN: prints the pid on FILE's first line if that process is alive and its command
# line matches PATTERN (a pid file outlives its process, and the pid may be reused), else nothing.
pid_in_file() {
  local pid
  [[ -f "$1" ]] || return 0
  pid="$(head -n 1 "$1" 2>/dev/null || true)"
  [[ "${pid}" =~ ^[0-9]+$ ]] || return 0
  kill -0 "${pid}" 2>/dev/null || return 0
  if [[ -r "/proc/${pid}/cmdline" ]] && ! tr '\0' ' ' <"/proc/${pid}/cmdline" | grep -q -- "$2"; then
    return 0 # the pid was reused by another process
  fi
  printf '%s\n' "${pid}"
}

# port_open HOST PORT: whether something accepts connections there.
port_open() {
  (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

# stop_process PID SIGNAL TIMEOUT [KILL_TARGET]: sends SIGNAL, waits up to TIMEOUT seconds for PID to
# exit, then sends SIGKILL to KILL_TARGET (default PID; `-PID` is its whole process group).
stop_process() {
  local pid="$1" deadline=$((SECONDS + $3))
  kill "-$2" "${pid}" 2>/dev/null || true
  while kill -0 "${pid}" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "still alive after $3 s; sending SIGKILL to ${4:-${pid}}"
      kill -KILL -- "${4:-${pid}}" 2>/dev/null || true
      sleep 0.5
      return 0
    fi
    sleep 0.2
  done
}
