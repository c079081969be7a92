<?php
// usage, top, log, trace: reading the counters and the log.
declare(strict_types=1);

const MG_HELP_USAGE = <<<'TXT'
usage: mailguard usage [ACCOUNT] [--window hour|day]

The current hour and day window of each account (or of ACCOUNT): messages
and recipients counted against the limits, with percentages. Windows are
the account's clock hour and local day (its time zone). A counter row
whose window has ended counts as 0: that is how mailguard.mail() rolls
it over with the next mail.
TXT;

const MG_HELP_TOP = <<<'TXT'
usage: mailguard top accounts|scripts|entries|vhosts [--since 24h] [--limit 20]

Mails, accepted and refused, and recipients from the log, most mails
first. scripts: the file and account that called mail(); entries: the
entry script of the request; vhosts: the virtual host. --since: s, m, h,
d or w (default 24h). Whole hours come from the hourly roll-up
(mailguard.log_hourly, brought up to date first), the rest from the log.
TXT;

const MG_HELP_LOG = <<<'TXT'
usage: mailguard log [FILTERS] [--since 24h] [--limit 50] [--follow]

FILTERS: --account NAME, --verdict accept|refuse, --reason REASON (the
reason before ':', e.g. over-quota), --script PATH, --vhost HOST.
Prints the newest --limit rows of --since, oldest first. --follow then
prints new rows as they are written until interrupted: the schema has no
NOTIFY per mail (mailguard_quota is sent once per quota crossing), so it
polls the log every second (--interval SECONDS).
TXT;

const MG_HELP_TRACE = <<<'TXT'
usage: mailguard trace ID

The whole log row of the mail whose X-Mailguard-Trace header (or syslog
trace=) is ID: account, role, script, line, entry, vhost, client, addresses,
subject, verdict, reason, outcome. A whole header line works too.
Exit 4 when no row has that trace (or its month was dropped by retention).
TXT;

const MG_LOG_OPTS = ['account' => ['value', null], 'verdict' => ['value', null], 'reason' => ['value', null],
    'script' => ['value', null], 'vhost' => ['value', null], 'since' => ['value', null],
    'limit' => ['value', null], 'follow' => ['flag', null], 'interval' => ['value', null]];

const MG_WINDOWS = ['hour', 'day'];

/** Each account's current windows, rolled over as mailguard.mail() would. */
function mg_usage_rows(MgDb $db, ?string $account): array
{
    $sql = <<<'SQL'
    SELECT a.name AS account, a.tz, a.blocked, a.rcpts_per_msg,
           w.hour_start, w.day_start,
           CASE WHEN c.hour_start >= w.hour_start THEN c.hour_msgs ELSE 0 END AS hour_messages,
           CASE WHEN c.hour_start >= w.hour_start THEN c.hour_rcpts ELSE 0 END AS hour_recipients,
           CASE WHEN c.day_start >= w.day_start THEN c.day_msgs ELSE 0 END AS day_messages,
           CASE WHEN c.day_start >= w.day_start THEN c.day_rcpts ELSE 0 END AS day_recipients,
           a.msgs_hour AS hour_messages_limit, a.rcpts_hour AS hour_recipients_limit,
           a.msgs_day AS day_messages_limit, a.rcpts_day AS day_recipients_limit
      FROM mailguard.accounts a
      LEFT JOIN mailguard.counters c ON c.account = a.name
     CROSS JOIN LATERAL (SELECT date_trunc('hour', now(), a.tz) AS hour_start,
                                date_trunc('day', now(), a.tz) AS day_start) w
     WHERE $1::text IS NULL OR a.name = $1
     ORDER BY a.name
    SQL;
    $rows = $db->query($sql, [$account]);
    if ($account !== null && !$rows) {
        mg_fail("no account '$account' (see mailguard account list)", MG_NOT_FOUND);
    }
    $out = [];
    foreach ($rows as $r) {
        $u = ['account' => $r['account'], 'tz' => $r['tz'], 'blocked' => $r['blocked'],
            'message_recipients_limit' => $r['rcpts_per_msg'], 'windows' => []];
        foreach (MG_WINDOWS as $w) {
            $win = ['start' => $r["{$w}_start"]];
            foreach (['messages', 'recipients'] as $m) {
                $used = $r["{$w}_$m"];
                $limit = $r["{$w}_{$m}_limit"];
                $win[$m] = $used;
                $win["{$m}_limit"] = $limit;
                $win["{$m}_pct"] = $limit === null ? null : ($limit === 0 ? 100.0 : round(100 * $used / $limit, 1));
            }
            $u['windows'][$w] = $win;
        }
        $out[] = $u;
    }
    return $out;
}

function mg_usage_text(array $usage, array $windows = MG_WINDOWS): string
{
    $fmt = function (array $win, string $m): string {
        $s = $win[$m] . '/' . ($win["{$m}_limit"] ?? 'none');
        return $win["{$m}_pct"] === null ? $s : $s . ' (' . $win["{$m}_pct"] . '%)';
    };
    $rows = [];
    foreach ($usage as $u) {
        foreach ($windows as $w) {
            $win = $u['windows'][$w];
            $rows[] = ['account' => $u['account'] . ($u['blocked'] ? ' (blocked)' : ''), 'window' => $w,
                'start' => $win['start'], 'messages' => $fmt($win, 'messages'), 'recipients' => $fmt($win, 'recipients')];
        }
    }
    return mg_table($rows, ['ACCOUNT' => 'account', 'WINDOW' => 'window', 'START' => 'start',
        'MESSAGES' => 'messages', 'RECIPIENTS' => 'recipients']);
}

function mg_window_opt(?string $w): array
{
    if ($w === null) {
        return MG_WINDOWS;
    }
    if (!in_array($w, MG_WINDOWS, true)) {
        mg_fail("no window '$w' (windows: " . implode(', ', MG_WINDOWS) . ')');
    }
    return [$w];
}

function mg_cmd_usage(MgContext $ctx, ?string $sub, array $pos, array $opts): int
{
    mg_need_args($pos, 0, 1, 'mailguard usage [ACCOUNT] [--window hour|day]');
    $windows = mg_window_opt($opts['window'] ?? null);
    $account = isset($pos[0]) ? mg_account_name($pos[0]) : null;
    $db = $ctx->db();
    $db->require_schema();
    $usage = mg_usage_rows($db, $account);
    foreach ($usage as &$u) {
        $u['windows'] = array_intersect_key($u['windows'], array_flip($windows));
    }
    return $ctx->out($usage, $usage ? mg_usage_text($usage, $windows) : "no accounts\n");
}

/** top KIND: the GROUP BY of each kind. */
const MG_TOP_KEYS = ['accounts' => ['account'], 'scripts' => ['account', 'script'],
    'entries' => ['account', 'entry'], 'vhosts' => ['vhost']];

/**
 * Brings the hourly roll-up (schema 7, mailguard.log_hourly) up to the
 * last closed hour: mailguard.log_rollup(), cheap when it is up to date.
 * Returns what it did, or null on a schema without the roll-up.
 */
function mg_rollup(MgDb $db): ?string
{
    if ($db->value("SELECT to_regclass('mailguard.log_hourly') IS NOT NULL") !== true) {
        return null;
    }
    return $db->value('SELECT mailguard.log_rollup()');
}

/**
 * The window "the last INTERVAL" split for reading: [s, c) from the log
 * (the part of an hour before the first whole one), whole hours [c, e)
 * from the roll-up (e: its watermark, at least c), [e, now] from the log
 * again. Without the roll-up, or with $hourly false, e = c: the log alone.
 * The bounds are fixed once, so every query of a report sees one window.
 */
function mg_window(MgDb $db, string $interval, bool $hourly = true): array
{
    $rollup = $hourly && $db->value("SELECT to_regclass('mailguard.log_hourly') IS NOT NULL") === true;
    $w = $rollup ? '(SELECT rolled_to FROM mailguard.log_rollup_state)' : 'NULL::timestamptz';
    $r = $db->one("SELECT s, c, greatest(c, $w) AS e FROM (SELECT now() - \$1::interval AS s) a
        CROSS JOIN LATERAL (SELECT date_trunc('hour', s, 'UTC') AS f) b
        CROSS JOIN LATERAL (SELECT CASE WHEN f = s THEN f ELSE f + interval '1 hour' END AS c) d", [$interval]);
    return ['s' => $r['s'], 'c' => $r['c'], 'e' => $r['e'], 'rollup' => $rollup];
}

/** The columns of mg_window_from()'s rows: name => the expression on a log row. */
const MG_WINDOW_COLS = ['hour' => "date_trunc('hour', ts)", 'account' => 'account', 'script' => 'script',
    'entry' => 'entry', 'vhost' => 'vhost', 'verdict' => 'verdict', 'reason_class' => "split_part(reason, ':', 1)",
    'mails' => '1', 'rcpts' => 'rcpts', 'last' => 'ts'];

/**
 * The rows of the window as a FROM item "w" with the columns $cols (of
 * MG_WINDOW_COLS): roll-up rows for its whole hours, one row per log row
 * (mails 1) for the rest. $p: the number of its first parameter; returns
 * [SQL, parameters].
 */
function mg_window_from(array $win, int $p, array $cols): array
{
    [$s, $c, $e] = ['$' . $p, '$' . ($p + 1), '$' . ($p + 2)];
    $exprs = implode(', ', array_map(fn($k) => MG_WINDOW_COLS[$k] . " AS $k", $cols));
    $log = "SELECT $exprs FROM mailguard.log";
    $sql = "$log WHERE ts >= $s::timestamptz AND ts < $c::timestamptz
        UNION ALL $log WHERE ts >= $e::timestamptz";
    // No whole hour to take from it (no watermark yet, or it is before the
    // window): the roll-up is not touched, so a first roll-up that holds
    // its new partitions' locks for minutes does not hold up the reader.
    if ($win['rollup'] && $win['e'] !== $win['c']) {
        $sql = 'SELECT ' . implode(', ', $cols) . " FROM mailguard.log_hourly WHERE hour >= $c::timestamptz AND hour < $e::timestamptz
            UNION ALL $sql";
    }
    return ["($sql) w", [$win['s'], $win['c'], $win['e']]];
}

/** Mails, accepted, refused, accepted recipients, newest: sums over mg_window_from()'s rows. */
const MG_WINDOW_SUMS = "coalesce(sum(mails), 0)::bigint AS mails,
    coalesce(sum(mails) FILTER (WHERE verdict = 'accept'), 0)::bigint AS accepted,
    coalesce(sum(mails) FILTER (WHERE verdict = 'refuse'), 0)::bigint AS refused,
    coalesce(sum(rcpts) FILTER (WHERE verdict = 'accept'), 0)::bigint AS recipients";

function mg_top_rows(MgDb $db, string $kind, array $win, int $limit): array
{
    $keys = implode(', ', MG_TOP_KEYS[$kind]);
    [$from, $params] = mg_window_from($win, 2, array_merge(MG_TOP_KEYS[$kind], ['verdict', 'mails', 'rcpts', 'last']));
    return $db->query("SELECT $keys, " . MG_WINDOW_SUMS . ", max(last) AS last
          FROM $from
         GROUP BY $keys ORDER BY mails DESC, refused DESC, $keys LIMIT \$1", array_merge([$limit], $params));
}

function mg_cmd_top(MgContext $ctx, string $kind, array $pos, array $opts): int
{
    mg_need_args($pos, 0, 0, "mailguard top $kind [--since 24h] [--limit 20]");
    $interval = mg_interval($opts['since'] ?? null, '24h');
    $limit = isset($opts['limit']) ? mg_uint('--limit', $opts['limit'], 100000) : 20;
    $db = $ctx->db();
    $db->require_schema();
    mg_rollup($db);
    $rows = mg_top_rows($db, $kind, mg_window($db, $interval), $limit);
    $cols = [];
    foreach (MG_TOP_KEYS[$kind] as $k) {
        $cols[strtoupper($k)] = $k;
    }
    $cols += ['MAILS' => 'mails', 'ACCEPTED' => 'accepted', 'REFUSED' => 'refused', 'RECIPIENTS' => 'recipients', 'LAST' => 'last'];
    return $ctx->out($rows, fn($r) => $r ? mg_table($r, $cols) : "no mail since " . ($opts['since'] ?? '24h') . "\n");
}

/** WHERE clause and parameters of the log filters ($1 is the interval). */
function mg_log_filter(array $opts): array
{
    $where = ['ts >= now() - $1::interval'];
    $params = [mg_interval($opts['since'] ?? null, '24h')];
    $add = function (string $cond, string $v) use (&$where, &$params) {
        $params[] = $v;
        $where[] = str_replace('?', '$' . count($params), $cond);
    };
    if (isset($opts['account'])) {
        $add('account = ?', $opts['account']);
    }
    if (isset($opts['verdict'])) {
        if (!in_array($opts['verdict'], ['accept', 'refuse'], true)) {
            mg_fail("bad --verdict '{$opts['verdict']}' (accept or refuse)");
        }
        $add('verdict = ?', $opts['verdict']);
    }
    if (isset($opts['reason'])) {
        $add("split_part(reason, ':', 1) = ?", $opts['reason']);
    }
    if (isset($opts['script'])) {
        $add('script = ?', $opts['script']);
    }
    if (isset($opts['vhost'])) {
        $add('vhost = ?', $opts['vhost']);
    }
    return [implode(' AND ', $where), $params];
}

const MG_LOG_COLS = 'id, ts, trace, account, client_role, verdict, reason, outcome, rcpts, script, line, entry, vhost, uid, sapi';

function mg_log_line(array $r): string
{
    $s = $r['ts'];
    foreach (['account', 'verdict', 'reason', 'outcome', 'rcpts', 'script', 'line', 'entry', 'vhost', 'trace'] as $k) {
        if ($r[$k] !== null) {
            $v = mg_cell($r[$k]);
            $s .= " $k=" . (preg_match('/[\s"]/', $v) ? '"' . addcslashes($v, '"\\') . '"' : $v);
        }
    }
    return $s . "\n";
}

function mg_cmd_log(MgContext $ctx, ?string $sub, array $pos, array $opts): int
{
    mg_need_args($pos, 0, 0, 'mailguard log [FILTERS] [--since 24h] [--limit 50] [--follow]');
    [$where, $params] = mg_log_filter($opts);
    $limit = isset($opts['limit']) ? mg_uint('--limit', $opts['limit'], 1000000) : 50;
    $interval = isset($opts['interval']) ? max(1, mg_uint('--interval', $opts['interval'], 3600)) : 1;
    $db = $ctx->db();
    $db->require_schema();
    $n = count($params) + 1;
    $rows = array_reverse($db->query('SELECT ' . MG_LOG_COLS . " FROM mailguard.log WHERE $where
        ORDER BY ts DESC, id DESC LIMIT \$$n", array_merge($params, [$limit])));
    if (!isset($opts['follow'])) {
        return $ctx->out($rows, fn($r) => implode('', array_map('mg_log_line', $r)));
    }
    // Follow: one line (or one JSON object) per row, as they come.
    $print = function (array $r) use ($ctx) {
        echo $ctx->json ? json_encode($r, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE) . "\n" : mg_log_line($r);
    };
    $seen = [];
    foreach ($rows as $r) {
        $print($r);
        $seen[$r['id']] = true;
    }
    // A row's ts is its transaction's start: a row may commit a little
    // after a later-stamped one. Look 10 s back and skip what was printed.
    $fparams = $params;
    $fparams[0] = '1 day';
    $since = $db->value('SELECT now()');
    // Rows already there when following starts are not new, also those
    // --limit left out: only what commits from now on is printed.
    foreach ($db->query("SELECT id FROM mailguard.log WHERE $where
            AND ts >= \$$n::timestamptz - interval '10 seconds'", array_merge($fparams, [$since])) as $r) {
        $seen[$r['id']] = true;
    }
    for (;;) {
        sleep($interval);
        $new = $db->query('SELECT ' . MG_LOG_COLS . " FROM mailguard.log WHERE $where
            AND ts >= \$$n::timestamptz - interval '10 seconds' ORDER BY ts, id", array_merge($fparams, [$since]));
        $keep = [];
        foreach ($new as $r) {
            if (!isset($seen[$r['id']])) {
                $print($r);
            }
            $keep[$r['id']] = true;
        }
        $seen = $keep + array_slice($seen, -1000, null, true);
        $since = $db->value('SELECT now()');
    }
}

function mg_cmd_trace(MgContext $ctx, ?string $sub, array $pos, array $opts): int
{
    mg_need_args($pos, 1, 1, 'mailguard trace ID');
    if (!preg_match('/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i', $pos[0], $m)) {
        mg_fail("bad trace '$pos[0]' (the uuid of an X-Mailguard-Trace header)");
    }
    $db = $ctx->db();
    $db->require_schema();
    $rows = $db->query('SELECT * FROM mailguard.log WHERE trace = $1::uuid ORDER BY ts, id', [strtolower($m[0])]);
    if (!$rows) {
        mg_fail("no log row has trace $m[0] (a month dropped by retention has none)", MG_NOT_FOUND);
    }
    return $ctx->out(count($rows) === 1 ? $rows[0] : $rows, function ($rows) {
        $s = '';
        foreach ((array_is_list($rows) ? $rows : [$rows]) as $r) {
            foreach ($r as $k => $v) {
                $s .= sprintf("%-16s %s\n", $k, mg_cell($v));
            }
            $s .= "\n";
        }
        return rtrim($s) . "\n";
    });
}
