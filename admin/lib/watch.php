<?php
// watch: LISTEN mailguard_quota, one line per quota crossing, optionally
// one mail to the admin per crossing.
declare(strict_types=1);

const MG_HELP_WATCH = <<<'TXT'
usage: mailguard watch [--mail ADDRESS] [--sendmail COMMAND] [--count N]

Listens on channel mailguard_quota and prints one line per quota crossing
(the first over-quota refusal of an account's hour or day window):
  quota account=shop1 window=hour limit=hour-messages start=... messages=100 recipients=130
--mail ADDRESS (or mail_to in the configuration) also sends one mail per
crossing, with COMMAND (default: /usr/sbin/sendmail -t -i; sendmail in the
configuration), not through PHP's mail(). --count N: stop after N
crossings. Exit 3 when the connection is lost (systemd restarts it:
admin/mailguard-watch.service). A crossing while no watch runs is not
replayed: mailguard log --verdict refuse --reason over-quota has them all.
Needs a direct connection, not a transaction-pooling PgBouncer.
TXT;

function mg_clean(mixed $v): string
{
    return preg_replace('/[^\x20-\x7e]/', '?', (string)$v);
}

function mg_crossing_line(array $p): string
{
    $s = 'quota';
    foreach (['account', 'window', 'limit', 'window_start' => 'start', 'messages', 'recipients'] as $k => $name) {
        $key = is_int($k) ? $name : $k;
        $v = mg_clean($p[$key] ?? '');
        $s .= " $name=" . (preg_match('/[\s"]/', $v) || $v === '' ? '"' . addcslashes($v, '"\\') . '"' : $v);
    }
    return $s;
}

function mg_send_alert(string $sendmail, string $to, array $p, string $line): bool
{
    $acct = mg_clean($p['account'] ?? '?');
    $msg = 'To: ' . mg_clean($to) . "\n"
        . "Subject: mailguard: account $acct reached its " . mg_clean($p['limit'] ?? '') . " limit\n"
        . "Auto-Submitted: auto-generated\n"
        . "Content-Type: text/plain; charset=us-ascii\n\n"
        . "$line\n\n"
        . "Account $acct reached a limit; its further mail in this window is refused.\n"
        . "  mailguard usage $acct\n"
        . "  mailguard log --account $acct --verdict refuse\n";
    $proc = proc_open($sendmail, [0 => ['pipe', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => STDERR], $pipes);
    if ($proc === false) {
        return false;
    }
    fwrite($pipes[0], $msg);
    fclose($pipes[0]);
    return proc_close($proc) === 0;
}

function mg_cmd_watch(MgContext $ctx, ?string $sub, array $pos, array $opts): int
{
    mg_need_args($pos, 0, 0, 'mailguard watch [--mail ADDRESS] [--count N]');
    $to = $opts['mail'] ?? $ctx->conf['mail_to'] ?? null;
    if ($to !== null && !preg_match('/^[A-Za-z0-9._+=-]+(@[A-Za-z0-9.-]+)?$/', $to)) {
        mg_fail("bad --mail address '$to'");
    }
    $sendmail = $opts['sendmail'] ?? $ctx->conf['sendmail'] ?? '/usr/sbin/sendmail -t -i';
    $count = isset($opts['count']) ? mg_uint('--count', $opts['count']) : null;
    $db = $ctx->db();
    $db->require_schema();
    $db->exec('LISTEN mailguard_quota');
    fwrite(STDERR, "mailguard: watching channel mailguard_quota\n");
    $sock = pg_socket($db->conn);
    $mailed = [];
    $n = 0;
    while ($count === null || $n < $count) {
        $r = [$sock];
        $w = $e = null;
        if (@stream_select($r, $w, $e, 60) === false) {
            mg_fail('select() on the database connection failed', MG_NO_DB);
        }
        if (!pg_consume_input($db->conn) || pg_connection_status($db->conn) !== PGSQL_CONNECTION_OK) {
            mg_fail('lost the database connection', MG_NO_DB);
        }
        while (($note = pg_get_notify($db->conn, PGSQL_ASSOC)) !== false) {
            $p = json_decode($note['payload'], true);
            if (!is_array($p)) {
                continue;
            }
            $line = mg_crossing_line($p);
            echo $ctx->json ? json_encode($p, JSON_UNESCAPED_SLASHES | JSON_INVALID_UTF8_SUBSTITUTE) . "\n" : "$line\n";
            // One mail per crossing: an account's window announces itself once.
            $key = ($p['account'] ?? '') . '|' . ($p['window'] ?? '') . '|' . ($p['window_start'] ?? '');
            if ($to !== null && !isset($mailed[$key])) {
                $mailed[$key] = true;
                if (!mg_send_alert($sendmail, $to, $p, $line)) {
                    fwrite(STDERR, "mailguard: could not mail the crossing to $to with: $sendmail\n");
                }
            }
            if ($count !== null && ++$n >= $count) {
                break;
            }
        }
        if (count($mailed) > 10000) {
            $mailed = array_slice($mailed, -5000, null, true);
        }
    }
    return MG_OK;
}
