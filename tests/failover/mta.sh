#!/bin/sh
# The failover harness's MTA (sendmail_path = "/bin/sh mta.sh DIR"): keeps
# each delivered message in a file of its own under DIR.
cat > "$1/$(date +%s%N).$$"
