# Sourced by the measuring scripts (vs-spin.sh, vs-spin-model.sh): with WAIT_LOAD=x,
# wait_quiet waits (up to WAIT_MAX seconds, default 600) for the 1-minute load average to fall
# below x before a measured run, and says so on stderr if it never did.
load1() { cut -d' ' -f1 /proc/loadavg; }
wait_quiet() {
  [ -n "${WAIT_LOAD:-}" ] || return 0
  local waited=0
  while awk -v l="$(load1)" -v t="$WAIT_LOAD" 'BEGIN { exit !(l >= t) }'; do
    if [ "$waited" -ge "${WAIT_MAX:-600}" ]; then
      echo "  (load still $(load1) after ${waited} s of waiting; measuring anyway)" >&2
      return 0
    fi
    sleep 10
    waited=$((waited + 10))
  done
}
