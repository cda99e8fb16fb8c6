# shellcheck shell=bash
# What the deploy/local scripts share: log lines, pid files that may be stale, ports, bounded stops.
# Sourced, never run: the script sets LOG_PREFIX and LOG_FILE before using these; launch and await_ready
# also use its PID_FILE, START_TIMEOUT and running_pid.

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

# launch COMMAND...: starts COMMAND in its own session, so that it outlives this script and its terminal,
# with stdin from /dev/null, output appended to LOG_FILE and the lock on fd 9 closed. The inner shell
# writes its own pid to PID_FILE and execs COMMAND, so the pid file holds COMMAND's pid; it returns once
# the pid file is written (or after 5 s).
launch() {
  rm -f "${PID_FILE}"
  printf '\n===== start %s =====\n' "$(date -Is)" >>"${LOG_FILE}"
  # shellcheck disable=SC2016
  setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "${PID_FILE}" "$@" </dev/null >>"${LOG_FILE}" 2>&1 9>&- &
  for _ in $(seq 50); do
    [[ -s "${PID_FILE}" ]] && break
    sleep 0.1
  done
}

# await_ready CHECK WHAT: runs CHECK until it succeeds; gives up, showing the log, when the process
# (running_pid) exits or START_TIMEOUT seconds pass. WHAT names it in the error.
await_ready() {
  local deadline=$((SECONDS + START_TIMEOUT))
  until "$1"; do
    if [[ -z "$(running_pid)" ]]; then
      show_log_tail
      die "$2 exited during startup"
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail
      die "$2 was not ready within ${START_TIMEOUT}s (pid $(running_pid)); it is left running for inspection, stop it with: $0 stop"
    fi
    sleep 0.5
  done
}
