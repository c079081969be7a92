#!/usr/bin/env bash
# Duplicate recipients: the scanner's count against what a real, private
# Postfix queues (issue 11 item 10).
#
#   bash tests/postfix/dedupe.sh [ROUNDS]      (as root; default 300)
#
# dedupe_cases.php writes the cases: a fixed table (the count Postfix
# 3.7.11 was seen to queue, and the scanner's), ROUNDS random address lists
# in the forms the scanner compares (it must count exactly what Postfix
# queues) and ROUNDS random lists with forms it does not compare or that
# are malformed (never fewer). Each case is handed to `sendmail -t -i`
# (with its envelope recipients, if any, on the command line) and put on
# hold by header_checks; the recipients in the queue file are Postfix's
# count. tests/scanner/rcpts gives the scanner's. Prints one `FAIL - ...`
# line per case that fails, a summary line per kind, and `N passed, N
# failed`. MG_DEDUPE_SEED picks the random cases (default: the date).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PHP=${MG_PHP:-php8.2}
ROUNDS=${1:-300}
SEED=${MG_DEDUPE_SEED:-$(date +%Y%m%d)}

[ "$(id -u)" = 0 ] || { echo "tests/postfix/dedupe.sh: run as root (it starts Postfix)" >&2; exit 2; }
export PATH="/usr/sbin:/sbin:$PATH"

RUN=$(mktemp -d "${TMPDIR:-/tmp}/mg-dedupe.XXXXXX") || exit 2
chmod 0711 "$RUN"
. "$HERE/lib.sh"
cleanup() {
	pf_stop
	if [ -n "${MG_POSTFIX_KEEP:-}" ]; then echo "# kept $RUN" >&2; else rm -rf -- "$RUN"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

make -s -C "$ROOT/tests/scanner" rcpts >"$RUN/make.log" 2>&1 || { cat "$RUN/make.log"; echo "0 passed, 1 failed"; exit 1; }
mkdir "$RUN/cases"
"$PHP" -n "$HERE/dedupe_cases.php" "$RUN/cases" "$SEED" "$ROUNDS" >"$RUN/cases.tsv" || { echo "0 passed, 1 failed"; exit 1; }

echo '/^X-Oracle:/ HOLD' >"$RUN/header_checks"
PF_MAIN_EXTRA="header_checks = regexp:$RUN/header_checks" pf_start "$RUN/pf" || { echo "0 passed, 1 failed"; exit 1; }

# Submit every case, four at a time; the envelope sender names it. A list
# that yields no recipient at all makes sendmail fail ("No recipient
# addresses found").
submit() {
	local id kind pf mg env
	while IFS=$'\t' read -r id kind pf mg env; do
		[ "$env" = - ] && env=
		# shellcheck disable=SC2086 # env: words, on purpose
		{ cat "$RUN/cases/$id.hdr"; printf 'Subject: dedupe\n\nbody\n'; } \
			| $PF_SENDMAIL -f "$id@oracle.invalid" $env >"$RUN/cases/$id.err" 2>&1
		echo $? >"$RUN/cases/$id.rc"
	done
}
for shard in 0 1 2 3; do
	awk -v s=$shard 'NR % 4 == s' "$RUN/cases.tsv" | submit &
done
wait
n=$(grep -lx 0 "$RUN"/cases/*.rc | wc -l)

# Wait until every accepted case is on hold.
for _ in $(seq 600); do
	[ "$(find "$PF_QUEUE/hold" -type f | wc -l)" -ge "$n" ] && break
	sleep 0.1
done
postqueue -c "$PF_CONF" -j >"$RUN/queue.json"
( cd "$RUN/cases" && "$ROOT/tests/scanner/rcpts" ./*.hdr ) >"$RUN/mine.txt"
for id in L4 L5; do
	# the command line's recipient takes the filter's first place
	( cd "$RUN/cases" && "$ROOT/tests/scanner/rcpts" -e 1 "./$id.hdr" ) >>"$RUN/mine.txt"
done

"$PHP" -n -r '
[, $tsv, $queue, $mine, $dir] = $argv;
$pf = [];
foreach (file($queue, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $l) {
	$j = json_decode($l, true);
	$pf[strstr($j["sender"], "@", true)] = count($j["recipients"]);
}
$mg = [];
foreach (file($mine, FILE_IGNORE_NEW_LINES) as $l) {
	[$f, $d, $raw, $mal] = explode(" ", $l);
	$mg[basename($f, ".hdr")] = [(int) $d, (int) $raw, (int) $mal];
}
$passed = $failed = 0;
$kinds = [];
foreach (file($tsv, FILE_IGNORE_NEW_LINES) as $l) {
	[$id, $kind, $want_pf, $want_mg, $env] = explode("\t", $l);
	$envn = $env === "-" ? 0 : count(explode(" ", $env));
	$rc = trim((string) file_get_contents("$dir/$id.rc"));
	$err = trim((string) file_get_contents("$dir/$id.err"));
	if ($rc === "0") {
		$got = $pf[$id] ?? null;
	} else {
		$got = strpos($err, "No recipient addresses found") !== false ? 0 : null;
	}
	[$d, $raw, $mal] = $mg[$id];
	$d += $envn;
	$raw += $envn;
	$k = $kinds[$kind] ?? ["cases" => 0, "equal" => 0, "over" => 0, "dups" => 0];
	$why = null;
	if ($got === null) {
		$why = "Postfix did not queue it (sendmail exit $rc: $err)";
	} elseif ($d < $got) {
		$why = "FEWER than Postfix";
	} elseif ($kind === "plain" && $d !== $got) {
		$why = "not what Postfix queues (a plain list)";
	} elseif ($kind === "fixed" && ((int) $want_pf !== $got || (int) $want_mg !== $d)) {
		$why = "want Postfix $want_pf, mailguard $want_mg";
	} elseif ($d > $raw) {
		$why = "more than without removing duplicates";
	}
	$k["cases"]++;
	$k["dups"] += $got !== null && $raw > $got ? 1 : 0;
	if ($got !== null && $d === $got) {
		$k["equal"]++;
	} elseif ($got !== null) {
		$k["over"]++;
	}
	$kinds[$kind] = $k;
	if ($why === null) {
		$passed++;
		continue;
	}
	$failed++;
	echo "FAIL - $kind $id: Postfix ", $got ?? "-", ", mailguard $d (every recipient: $raw, malformed $mal): $why\n";
	foreach (explode("\n", rtrim((string) file_get_contents("$dir/$id.hdr"))) as $hl) {
		echo "#   ", addcslashes($hl, "\0..\37\177..\377"), "\n";
	}
}
foreach ($kinds as $kind => $k) {
	printf("# %s: %d cases, %d with repeats Postfix dropped; mailguard equal to Postfix in %d, more in %d\n",
		$kind, $k["cases"], $k["dups"], $k["equal"], $k["over"]);
}
echo "$passed passed, $failed failed\n";
exit($failed ? 1 : 0);
' "$RUN/cases.tsv" "$RUN/queue.json" "$RUN/mine.txt" "$RUN/cases"
