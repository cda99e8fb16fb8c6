# Helpers shared by deploy/local/*.sh (sourced, not run). The caller defines log(), HOST and PID_FILE.

port_open() { # PORT: succeeds if something accepts connections on HOST:PORT
  (exec 3<>"/dev/tcp/${HOST}/$1") 2>/dev/null
}

stop_pid() { # PID WHAT STOP_TIMEOUT: SIGTERM, SIGKILL after the timeout; removes PID_FILE
  local pid="$1" what="$2" timeout="$3" deadline
  log "stopping ${what} (pid ${pid})"
  kill -TERM "${pid}" 2>/dev/null || true
  deadline=$((SECONDS + timeout))
  while kill -0 "${pid}" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      log "still alive after ${timeout}s; sending SIGKILL"
      kill -KILL "${pid}" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.2
  done
  rm -f "${PID_FILE}"
  log "stopped"
}
