#!/bin/sh
# The MTA of the FPM harness (sendmail_path = "/bin/sh mta.sh DIR"): stores
# each message and its argv in a new numbered directory under DIR, as
# tests/inc/helpers.inc's capture MTA does. Runs as the pool's user.
d=$1
shift
mkdir -p "$d"
n=0
while ! mkdir "$d/$n" 2>/dev/null; do n=$((n+1)); done
for a in "$@"; do printf '%s\n' "$a"; done > "$d/$n/args"
cat > "$d/$n/eml"
exit 0
