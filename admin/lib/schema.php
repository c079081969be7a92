<?php
// schema, client and retention: what sql/mailguard-db does, wrapped (it
// stays the one place that applies migrations and grants membership), with
// status and lists read directly.
declare(strict_types=1);

const MG_HELP_SCHEMA = <<<'TXT'
usage: mailguard schema apply [OPTIONS]
       mailguard schema status [OPTIONS]

apply   creates the roles mailguard_owner and mailguard_client, the schema
        and every migration not yet applied, each in one transaction
        (runs sql/mailguard-db apply; needs a superuser).
status  the applied migrations and those pending. Exit 1 when migrations
        are pending (after an upgrade: run mailguard schema apply) or the
        schema is not installed.

The migrations are read from the installed sql/migrations (or
MAILGUARD_MIGRATIONS=DIR).
TXT;

const MG_HELP_CLIENT = <<<'TXT'
usage: mailguard client add ROLE --peer [--account NAME]
       mailguard client add ROLE --shared
       mailguard client remove ROLE
       mailguard client list

add     creates the login role if needed, makes it a member of
        mailguard_client and writes its clients row. --peer: one role per
        FPM pool user, logging in by peer; its mail is charged to NAME, or
        to the role's own name. --shared: one password role for mod_php,
        trusted to say the account (mailguard.account per vhost).
remove  revokes the role's membership in mailguard_client and deletes its
        clients row, in one transaction. Exit 1 when the role can still
        execute mailguard.mail() another way.
list    every client: role, mode, account, membership, login.
TXT;

const MG_HELP_RETENTION = <<<'TXT'
usage: mailguard retention MONTHS [AHEAD]
       mailguard retention --personal-days N

MONTHS [AHEAD]     creates the log partitions of this month and AHEAD
                   (default 3) months ahead; drops the months that ended
                   more than MONTHS months ago (0 keeps all). Rows go with
                   their partition.
--personal-days N  clears the personal fields (client_ip, mail_from,
                   mail_to, mail_cc, mail_bcc, subject, envelope_sender)
                   of log rows older than N days. The rows stay: counts,
                   verdicts, accounts, scripts and traces are kept.
Both may be given together. Either then brings the hourly roll-up
(mailguard.log_hourly) up to date and drops its months whose log month
is gone.
TXT;

function mg_migrations_dir(): string
{
    return getenv('MAILGUARD_MIGRATIONS') ?: MG_SQL_DIR . '/migrations';
}

/** The migration files: version => base name. */
function mg_migration_files(): array
{
    $dir = mg_migrations_dir();
    $files = glob("$dir/[0-9][0-9][0-9][0-9]_*.sql") ?: [];
    if (!$files) {
        mg_fail("no migrations in $dir", MG_PROBLEM);
    }
    $out = [];
    foreach ($files as $f) {
        $base = basename($f, '.sql');
        $out[(int)substr($base, 0, 4)] = $base;
    }
    ksort($out);
    return $out;
}

/**
 * Runs sql/mailguard-db with the tool's connection; returns its stdout
 * lines. Its error becomes one line (exit $code).
 */
function mg_run_mailguard_db(MgContext $ctx, array $args, int $code = MG_REFUSED): array
{
    $ctx->db();   // a database that is down is reported as such, first
    $cmd = array_merge(['bash', MG_SQL_DIR . '/mailguard-db'], $args, ['-d', $ctx->conninfo()]);
    $env = getenv();
    $env['MAILGUARD_MIGRATIONS'] = mg_migrations_dir();
    $p = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, null, $env);
    if ($p === false) {
        mg_fail('cannot run ' . MG_SQL_DIR . '/mailguard-db', MG_PROBLEM);
    }
    $out = stream_get_contents($pipes[1]);
    $err = stream_get_contents($pipes[2]);
    fclose($pipes[1]);
    fclose($pipes[2]);
    $rc = proc_close($p);
    if ($rc !== 0) {
        $lines = array_values(array_filter(array_map('trim', explode("\n", $err))));
        $msg = $lines ? end($lines) : "mailguard-db exited with $rc";
        $msg = preg_replace('/^(mailguard-db: (error: )?|psql:[^:]*:[0-9]+: (ERROR|FATAL): *|ERROR: *)/', '', $msg);
        if (str_starts_with($msg, 'connection to server')) {
            $code = MG_NO_DB;
        }
        mg_fail($msg, $code);
    }
    return array_values(array_filter(explode("\n", $out), 'strlen'));
}

function mg_schema_state(MgDb $db): array
{
    $files = mg_migration_files();
    if (!$db->installed()) {
        return ['installed' => false, 'version' => null, 'applied' => [],
            'pending' => array_values($files)];
    }
    $applied = array_column($db->query('SELECT version FROM mailguard.schema_version ORDER BY 1'), 'version');
    $pending = array_values(array_diff_key($files, array_flip($applied)));
    return ['installed' => true, 'version' => $applied ? max($applied) : null,
        'applied' => $applied, 'pending' => $pending];
}

function mg_cmd_schema(MgContext $ctx, string $sub, array $pos): int
{
    mg_need_args($pos, 0, 0, "mailguard schema $sub");
    $db = $ctx->db();
    if ($sub === 'apply') {
        $lines = mg_run_mailguard_db($ctx, ['apply']);
        $st = mg_schema_state($db);
        $now = array_values(array_map(fn($l) => substr($l, 8), preg_grep('/^applied /', $lines)));
        return $ctx->out(['version' => $st['version'], 'applied_now' => $now, 'pending' => $st['pending']],
            implode("\n", $lines) . "\n");
    }
    $st = mg_schema_state($db);
    if (!$st['installed']) {
        $text = "not installed (run: mailguard schema apply)\n";
    } else {
        $text = 'applied: ' . implode(' ', $st['applied']) . "\n";
        foreach ($st['pending'] as $p) {
            $text .= "pending: $p\n";
        }
        $text .= $st['pending']
            ? count($st['pending']) . " migration(s) pending: run mailguard schema apply\n"
            : "schema at version {$st['version']}, no migration pending\n";
    }
    $ctx->out($st, $text);
    return $st['installed'] && !$st['pending'] ? MG_OK : MG_PROBLEM;
}

function mg_role_name(string $role): string
{
    if ($role === '' || $role[0] === '-' || strlen($role) > 63 || preg_match('/[\x00-\x1f]/', $role)) {
        mg_fail("bad role name '$role' (1 to 63 bytes, not starting with -)");
    }
    return $role;
}

const MG_CLIENTS_SQL = <<<'SQL'
SELECT c.role, CASE WHEN c.trust_claimed THEN 'shared' ELSE 'peer' END AS mode,
       CASE WHEN c.trust_claimed THEN NULL ELSE coalesce(c.account, c.role::text) END AS account,
       r.rolname IS NOT NULL AS role_exists, coalesce(r.rolcanlogin, false) AS login,
       EXISTS (SELECT FROM pg_auth_members m WHERE m.roleid = 'mailguard_client'::regrole AND m.member = r.oid) AS member
  FROM mailguard.clients c LEFT JOIN pg_roles r ON r.rolname = c.role
SQL;

function mg_cmd_client(MgContext $ctx, string $sub, array $pos, array $opts): int
{
    $db = $ctx->db();
    $db->require_schema();
    if ($sub === 'list') {
        mg_need_args($pos, 0, 0, 'mailguard client list');
        $rows = $db->query(MG_CLIENTS_SQL . ' ORDER BY 1');
        return $ctx->out($rows, fn($r) => mg_table($r, ['ROLE' => 'role', 'MODE' => 'mode', 'ACCOUNT' => 'account',
            'MEMBER' => 'member', 'LOGIN' => 'login']));
    }
    mg_need_args($pos, 1, 1, "mailguard client $sub ROLE" . ($sub === 'add' ? ' --peer [--account NAME] | --shared' : ''));
    $role = mg_role_name($pos[0]);
    if (in_array($role, ['mailguard_client', 'mailguard_owner'], true)) {
        mg_fail("$role is mailguard's own role, not a client");
    }
    if ($sub === 'add') {
        $peer = isset($opts['peer']);
        if ($peer === isset($opts['shared'])) {
            mg_fail('client add needs --peer or --shared (one of them)');
        }
        $args = ['add-client', $role, $peer ? '--peer' : '--shared'];
        if (isset($opts['account'])) {
            if (!$peer) {
                mg_fail('--account goes with --peer');
            }
            $args[] = '--account';
            $args[] = mg_account_name($opts['account']);
        }
        $lines = mg_run_mailguard_db($ctx, $args);
    } else {
        if (isset($opts['peer']) || isset($opts['shared']) || isset($opts['account'])) {
            mg_fail('client remove takes only ROLE');
        }
        $lines = mg_run_mailguard_db($ctx, ['remove-client', $role], MG_PROBLEM);
    }
    $row = $db->one(MG_CLIENTS_SQL . ' WHERE c.role = $1', [$role]);
    return $ctx->out(['role' => $role, 'client' => $row, 'message' => implode("\n", $lines)],
        implode("\n", $lines) . "\n");
}

function mg_cmd_retention(MgContext $ctx, ?string $sub, array $pos, array $opts): int
{
    mg_need_args($pos, isset($opts['personal-days']) ? 0 : 1, 2, 'mailguard retention MONTHS [AHEAD] | --personal-days N');
    $keep = isset($pos[0]) ? mg_uint('MONTHS', $pos[0], 1200) : null;
    $ahead = isset($pos[1]) ? mg_uint('AHEAD', $pos[1], 120) : 3;
    $days = isset($opts['personal-days']) ? mg_uint('--personal-days', $opts['personal-days'], 36500) : null;
    if ($days === 0) {
        mg_fail('--personal-days 0 would clear the fields of every row, even this minute\'s: give 1 or more');
    }
    $db = $ctx->db();
    $db->require_schema();
    $result = ['partitions' => [], 'personal_cleared' => null];
    $text = '';
    if ($keep !== null) {
        $result['partitions'] = mg_run_mailguard_db($ctx, ['retention', (string)$keep, (string)$ahead]);
        $text .= $result['partitions'] ? implode("\n", $result['partitions']) . "\n" : "partitions: nothing to do\n";
    }
    if ($days !== null) {
        $result['personal_cleared'] = mg_prune_personal($db, $days);
        $text .= "personal fields cleared in {$result['personal_cleared']} log row(s) older than $days days\n";
    }
    // The hourly roll-up: the hours closed since the last run, and the
    // roll-up months whose log month was just dropped.
    $result['rollup'] = mg_rollup($db);
    $text .= $result['rollup'] === null ? '' : "roll-up: {$result['rollup']}\n";
    return $ctx->out($result, $text);
}

/** The personal fields of a log row: who wrote to whom, about what, from where. */
const MG_PERSONAL_FIELDS = ['client_ip', 'mail_from', 'mail_to', 'mail_cc', 'mail_bcc', 'subject', 'envelope_sender'];

function mg_prune_personal(MgDb $db, int $days): int
{
    $set = implode(', ', array_map(fn($f) => "$f = NULL", MG_PERSONAL_FIELDS));
    $any = implode(' OR ', array_map(fn($f) => "$f IS NOT NULL", MG_PERSONAL_FIELDS));
    $rows = $db->query("WITH u AS (UPDATE mailguard.log SET $set
        WHERE ts < now() - make_interval(days => \$1) AND ($any) RETURNING 1) SELECT count(*) AS n FROM u", [$days]);
    return $rows[0]['n'];
}
