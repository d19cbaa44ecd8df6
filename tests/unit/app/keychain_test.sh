#!/usr/bin/env bash
# The keychain path (SecretStore over QtKeychain) against a real Secret Service: gnome-keyring-daemon in a
# private D-Bus session, its login keyring unlocked with a password given on stdin. Every other test runs
# with CADUCEUS_NO_KEYCHAIN=1; this one does not.
#   1. Settings › Connect stores the key; a new process reads it back, after the keyring daemon itself was
#      restarted (a new D-Bus session, the keyring unlocked again from its file), and starts on the saved agent
#      with it (hermes-sim refuses any other key); then it is deleted and gone.
#   2. No Secret Service answers: the window's notice says keys are kept for this session only, and the key
#      is in none of the files Caduceus wrote (settings, database).
# Exit 77 (CTest SKIP_RETURN_CODE) only when no Secret Service can be started at all.
set -uo pipefail
probe=${1:?usage: keychain_test.sh path/to/keychain_probe path/to/hermes-sim}
sim=${2:-}

if [ "${KEYCHAIN_TEST_INNER:-}" = "" ]; then
  for tool in dbus-run-session gnome-keyring-daemon; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "SKIP: $tool is not installed (scripts/deps.sh installs dbus and gnome-keyring)"
      exit 77
    fi
  done
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/home" "$work/run" && chmod 700 "$work/run"
  export HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" XDG_RUNTIME_DIR="$work/run"
  export XDG_CACHE_HOME="$work/cache" QT_QPA_PLATFORM=offscreen KEYCHAIN_TEST_INNER=1 KEYCHAIN_WORK="$work"
  unset CADUCEUS_NO_KEYCHAIN DBUS_SESSION_BUS_ADDRESS
  key="cad-test-key-$RANDOM$RANDOM-secret"
  fail=0
  check() { # name, condition result (0 ok), detail
    if [ "$2" -eq 0 ]; then echo "PASS: $1"; else echo "FAIL: $1 — $3"; fail=1; fi
  }
  field() { printf '%s\n' "$1" | sed -n "s/^$2=//p" | head -n 1; }
  in_files() { grep -rlF -- "$key" "$HOME" "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" 2>/dev/null | grep -v '/keyrings/' ; }

  # The agent: hermes-sim that accepts only this key.
  "$sim" --port 0 --port-file "$work/sim.port" --key "$key" >/dev/null 2>&1 &
  sim_pid=$!
  trap 'kill $sim_pid 2>/dev/null; rm -rf "$work"' EXIT
  for _ in $(seq 100); do [ -s "$work/sim.port" ] && break; sleep 0.1; done
  agent="http://127.0.0.1:$(cat "$work/sim.port" 2>/dev/null)"
  [ -s "$work/sim.port" ] || { echo "FAIL: hermes-sim did not start"; exit 1; }

  # --- 1. a real Secret Service ---------------------------------------------------------------------
  out=$(dbus-run-session -- bash "$0" "$probe" "$sim" start-and save "$agent" "$key" 2>&1)
  status=$?
  if [ $status -eq 77 ]; then
    echo "$out"
    echo "SKIP: gnome-keyring-daemon could not start a Secret Service in a private D-Bus session"
    exit 77
  fi
  echo "$out" | sed 's/^/  save: /'
  check "the key was stored in the keychain, no fallback" "$([ "$(field "$out" fallback)" = 0 ]; echo $?)" "$out"
  check "no keychain warning in the window" "$([ -z "$(field "$out" notice)" ]; echo $?)" "$out"
  check "the keyring file exists" "$([ -n "$(ls "$XDG_DATA_HOME"/keyrings/*.keyring "$HOME"/.local/share/keyrings/*.keyring 2>/dev/null)" ]; echo $?)" "no keyring file"
  check "the key is in no settings or database file" "$([ -z "$(in_files)" ]; echo $?)" "found in: $(in_files)"

  out=$(dbus-run-session -- bash "$0" "$probe" "$sim" start-and read 2>&1)
  echo "$out" | sed 's/^/  read after restart: /'
  check "a new process, after the keyring daemon restarted, reads the key back" \
    "$([ "$(field "$out" value)" = "$key" ]; echo $?)" "$out"

  out=$(dbus-run-session -- bash "$0" "$probe" "$sim" start-and connect 2>&1)
  echo "$out" | sed 's/^/  start without --agent: /'
  check "a restart connects to the saved agent with the key from the keychain" \
    "$([ "$(field "$out" ok)" = 1 ] && [ "$(field "$out" source)" = saved ] && [ "$(field "$out" key_accepted)" = 1 ]; echo $?)" "$out"

  out=$(dbus-run-session -- bash "$0" "$probe" "$sim" start-and delete 2>&1)
  echo "$out" | sed 's/^/  delete: /'
  check "the key is deleted without error" "$([ -z "$(field "$out" error)" ] && echo "$out" | grep -q '^error='; echo $?)" "$out"
  out=$(dbus-run-session -- bash "$0" "$probe" "$sim" start-and read 2>&1)
  echo "$out" | sed 's/^/  read after delete: /'
  check "after deleting, the key reads as empty" \
    "$(echo "$out" | grep -q '^value=$' && [ "$(field "$out" fallback)" = 0 ]; echo $?)" "$out"

  # --- 2. no Secret Service answers ------------------------------------------------------------------
  rm -rf "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"
  key="cad-fallback-key-$RANDOM$RANDOM-secret"
  # A bus that is not there: what a headless box without a desktop session has.
  out=$(DBUS_SESSION_BUS_ADDRESS="unix:path=$work/run/no-bus" "$probe" save "$agent" "$key" 2>&1)
  echo "$out" | sed 's/^/  save without keychain: /'
  check "without a keychain the memory fallback is used" "$([ "$(field "$out" fallback)" = 1 ]; echo $?)" "$out"
  notice=$(field "$out" notice)
  check "the window shows the keychain warning" \
    "$(printf '%s' "$notice" | grep -q 'No system keychain is available' && printf '%s' "$notice" | grep -q 'this session'; echo $?)" "notice: $notice"
  check "settings were written (the test looks at real files)" \
    "$([ -n "$(grep -rl 'agent' "$XDG_CONFIG_HOME" 2>/dev/null)" ]; echo $?)" "no settings file under $XDG_CONFIG_HOME"
  check "the key is in no settings or database file" "$([ -z "$(in_files)" ]; echo $?)" "found in: $(in_files)"
  exit $fail
fi

# --- inside a private D-Bus session: start the Secret Service, then run one probe step ------------------
shift 2 # the probe and sim paths
[ "${1:-}" = start-and ] && shift
if ! printf 'caduceus-test-password' | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null 2>"$KEYCHAIN_WORK/daemon.err"; then
  cat "$KEYCHAIN_WORK/daemon.err"
  exit 77
fi
# The daemon registers org.freedesktop.secrets on the bus; wait for it (at most 5 s).
for _ in $(seq 50); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
       org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    exec "$probe" "$@"
  fi
  sleep 0.1
done
echo "org.freedesktop.secrets never appeared on the session bus"
exit 77
