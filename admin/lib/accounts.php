<?php
// account add|set|show|list|block|unblock|remove: rows of mailguard.accounts.
declare(strict_types=1);

const MG_HELP_ACCOUNT = <<<'TXT'
usage: mailguard account add NAME [SETTINGS]
       mailguard account set NAME SETTINGS
       mailguard account show NAME
       mailguard account list
       mailguard account block NAME --reason TEXT
       mailguard account unblock NAME
       mailguard account remove NAME

SETTINGS:
  --limit WINDOW-MEASURE=N   N a whole number, or none (no limit); 0 refuses
                             every mail. Repeat for several limits:
                               hour-messages      (column msgs_hour)
                               hour-recipients    (rcpts_hour)
                               day-messages       (msgs_day)
                               day-recipients     (rcpts_day)
                               message-recipients (rcpts_per_msg)
  --tz ZONE                  time zone of the windows (Europe/Berlin; default UTC)
  --domains D1,D2            sender domains, lower case ('' for none)
  --default-sender ADDR      envelope sender otherwise (none to clear)
A change counts from the account's next mail. block refuses every mail
with the reason in the log and syslog (never shown to the script);
remove deletes the account and its counters, the log rows stay.
TXT;

const MG_ACCOUNT_OPTS = ['limit' => ['multi', null], 'tz' => ['value', null], 'domains' => ['value', null],
    'default-sender' => ['value', null], 'reason' => ['value', null]];

/** Limit names (WINDOW-MEASURE, the words of the refusal details) => column. */
const MG_LIMITS = ['hour-messages' => 'msgs_hour', 'hour-recipients' => 'rcpts_hour',
    'day-messages' => 'msgs_day', 'day-recipients' => 'rcpts_day', 'message-recipients' => 'rcpts_per_msg'];

const MG_ACCOUNT_SQL = <<<'SQL'
SELECT a.name, a.msgs_hour, a.msgs_day, a.rcpts_hour, a.rcpts_day, a.rcpts_per_msg, a.tz,
       a.blocked, a.blocked_reason, array_to_json(a.sender_domains) AS sender_domains, a.default_sender,
       a.auto_created, a.created_at
  FROM mailguard.accounts a
SQL;

function mg_account_name(string $name): string
{
    if ($name === '' || strlen($name) > 255 || preg_match('/[\x00-\x1f\x7f]/', $name) || $name[0] === '-') {
        mg_fail("bad account name '$name'");
    }
    return $name;
}

/** The column => value changes the options ask for, validated here or by the schema's checks. */
function mg_account_changes(array $opts): array
{
    $set = [];
    foreach ($opts['limit'] ?? [] as $l) {
        if (!preg_match('/^([^=]*)=(.*)$/', $l, $m)) {
            mg_fail("bad --limit '$l' (WINDOW-MEASURE=N, e.g. hour-messages=100)");
        }
        [, $name, $v] = $m;
        if (!isset(MG_LIMITS[$name])) {
            [$window, $measure] = array_pad(explode('-', $name, 2), 2, '');
            if (!in_array($window, ['hour', 'day', 'message'], true)) {
                mg_fail("no window '$window' in --limit $l (windows: hour, day; per message: message-recipients)");
            }
            mg_fail("no limit '$name' (limits: " . implode(', ', array_keys(MG_LIMITS)) . ')');
        }
        $set[MG_LIMITS[$name]] = $v === 'none' ? null : mg_uint("limit $name", $v);
    }
    if (isset($opts['tz'])) {
        $set['tz'] = $opts['tz'];
    }
    if (isset($opts['domains'])) {
        $d = array_values(array_filter(array_map('trim', explode(',', $opts['domains'])), 'strlen'));
        $set['sender_domains'] = '{' . implode(',', array_map(fn($x) => '"' . addcslashes($x, '"\\') . '"', $d)) . '}';
    }
    if (isset($opts['default-sender'])) {
        $set['default_sender'] = $opts['default-sender'] === 'none' ? null : $opts['default-sender'];
    }
    return $set;
}

/** $tz when PostgreSQL knows the zone (the check accounts.tz has), else a usage error. */
function mg_time_zone(MgDb $db, string $tz): string
{
    if ($db->value('SELECT mailguard.valid_time_zone($1)', [$tz]) !== true) {
        mg_fail("unknown time zone '$tz' (e.g. UTC, Europe/Berlin)");
    }
    return $tz;
}

/** Checks the values the schema's CHECK constraints would refuse, with a clearer message. */
function mg_account_validate(MgDb $db, array $set): void
{
    if (isset($set['tz'])) {
        mg_time_zone($db, $set['tz']);
    }
    if (isset($set['sender_domains'])
        && $db->value('SELECT mailguard.valid_domains($1::text[])', [$set['sender_domains']]) !== true) {
        mg_fail('bad --domains: lower-case domain names, comma-separated (example.com,shop.example)');
    }
    if (isset($set['default_sender']) && $db->value('SELECT mailguard.valid_addr_spec($1)', [$set['default_sender']]) !== true) {
        mg_fail("bad --default-sender '{$set['default_sender']}' (a plain address: bounces@example.com)");
    }
}

function mg_account_get(MgDb $db, string $name): array
{
    return $db->one(MG_ACCOUNT_SQL . ' WHERE a.name = $1', [$name])
        ?? mg_fail("no account '$name' (see mailguard account list)", MG_NOT_FOUND);
}

function mg_account_text(array $a): string
{
    $lim = fn($v) => $v === null ? 'none' : (string)$v;
    $s = "account {$a['name']}" . ($a['blocked'] ? ' BLOCKED' . ($a['blocked_reason'] !== null ? ": {$a['blocked_reason']}" : '') : '') . "\n";
    foreach (MG_LIMITS as $name => $col) {
        $s .= sprintf("  %-19s %s\n", $name, $lim($a[$col]));
    }
    $s .= sprintf("  %-19s %s\n", 'time zone', $a['tz']);
    $s .= sprintf("  %-19s %s\n", 'sender domains', $a['sender_domains'] ? implode(',', $a['sender_domains']) : 'none');
    $s .= sprintf("  %-19s %s\n", 'default sender', $a['default_sender'] ?? 'none');
    if ($a['auto_created']) {
        $s .= "  (created by the unknown_account = default policy)\n";
    }
    return $s;
}

function mg_cmd_account(MgContext $ctx, string $sub, array $pos, array $opts): int
{
    $db = $ctx->db();
    $db->require_schema();
    if ($sub === 'list') {
        mg_need_args($pos, 0, 0, 'mailguard account list');
        $rows = $db->query(MG_ACCOUNT_SQL . ' ORDER BY a.name');
        return $ctx->out($rows, fn($r) => mg_table($r, ['ACCOUNT' => 'name', 'MSGS/H' => 'msgs_hour',
            'MSGS/D' => 'msgs_day', 'RCPTS/H' => 'rcpts_hour', 'RCPTS/D' => 'rcpts_day',
            'RCPTS/MSG' => 'rcpts_per_msg', 'TZ' => 'tz', 'BLOCKED' => 'blocked', 'REASON' => 'blocked_reason']));
    }
    mg_need_args($pos, 1, 1, "mailguard account $sub NAME");
    $name = mg_account_name($pos[0]);
    $set = mg_account_changes($opts);
    $takes = ['add' => true, 'set' => true];
    if (!isset($takes[$sub]) && $set) {
        mg_fail("account $sub takes no settings (use account set)");
    }
    if (isset($opts['reason']) && $sub !== 'block') {
        mg_fail('--reason goes with account block');
    }
    switch ($sub) {
        case 'show':
            $a = mg_account_get($db, $name);
            $u = mg_usage_rows($db, $name)[0];
            return $ctx->out(['account' => $a, 'usage' => $u], mg_account_text($a) . mg_usage_text([$u]));
        case 'add':
            mg_account_validate($db, $set);
            $cols = array_merge(['name'], array_keys($set));
            $ph = array_map(fn($i) => '$' . ($i + 1), array_keys($cols));
            try {
                $db->exec('INSERT INTO mailguard.accounts (' . implode(', ', $cols) . ') VALUES (' . implode(', ', $ph) . ')',
                    array_merge([$name], array_values($set)));
            } catch (MgDbError $e) {
                if ($e->sqlstate === '23505') {
                    mg_fail("account '$name' exists already (change it with: mailguard account set $name ...)", MG_REFUSED);
                }
                throw $e;
            }
            $a = mg_account_get($db, $name);
            return $ctx->out($a, "added\n" . mg_account_text($a));
        case 'set':
            if (!$set) {
                mg_fail('account set needs a setting: --limit, --tz, --domains or --default-sender');
            }
            mg_account_validate($db, $set);
            mg_account_update($db, $name, $set);
            $a = mg_account_get($db, $name);
            return $ctx->out($a, mg_account_text($a));
        case 'block':
            $reason = $opts['reason'] ?? mg_fail('account block needs --reason TEXT (it goes to the log and syslog)');
            if (trim($reason) === '') {
                mg_fail('--reason must not be empty');
            }
            mg_account_update($db, $name, ['blocked' => 't', 'blocked_reason' => $reason]);
            $a = mg_account_get($db, $name);
            return $ctx->out($a, "account $name blocked: $reason\n");
        case 'unblock':
            mg_account_update($db, $name, ['blocked' => 'f', 'blocked_reason' => null]);
            return $ctx->out(mg_account_get($db, $name), "account $name unblocked\n");
        case 'remove':
            $clients = array_column($db->query('SELECT role FROM mailguard.clients WHERE account = $1 ORDER BY 1', [$name]), 'role');
            if ($db->value('DELETE FROM mailguard.accounts WHERE name = $1 RETURNING name', [$name]) === null) {
                mg_fail("no account '$name' (see mailguard account list)", MG_NOT_FOUND);
            }
            $text = "account $name removed (its counters too; log rows stay)\n";
            if ($clients) {
                $text .= 'note: client role(s) ' . implode(', ', $clients) . " still charge this account: their mail is now refused as unknown-account\n";
            }
            return $ctx->out(['removed' => $name, 'clients' => $clients], $text);
    }
    return MG_USAGE;
}

function mg_account_update(MgDb $db, string $name, array $set): void
{
    $cols = array_keys($set);
    $assign = implode(', ', array_map(fn($c, $i) => "$c = \$" . ($i + 2), $cols, array_keys($cols)));
    if ($db->value("UPDATE mailguard.accounts SET $assign WHERE name = \$1 RETURNING name",
        array_merge([$name], array_values($set))) === null) {
        mg_fail("no account '$name' (see mailguard account list)", MG_NOT_FOUND);
    }
}
