<?php
// check USER: would this Unix user's PHP mail be metered? Every step from
// the OS user to the FPM pool, each failing one with the command that fixes it.
declare(strict_types=1);

const MG_HELP_CHECK = <<<'TXT'
usage: mailguard check USER [--pool-dir DIR] [--php-dir DIR]

Proves, step by step, that PHP mail of the Unix user USER (an FPM pool
user) would be metered:
  unix-user    the OS user exists
  role         a login role of the same name exists
  member       it may execute mailguard.mail() (member of mailguard_client)
  client       its clients row exists, peer mode; the account it is charged
  peer-login   USER logs in by peer (tried as USER with runuser: pg_hba.conf
               and pg_ident.conf let it in, as the role of its own name)
  account      the account row exists (or unknown_account = default)
  limits       the account has limits and is not blocked
  pool         an FPM pool has user = USER and sets no other account
  ini          the global mailguard ini (conf.d of FPM) loads mailguard, has
               a peer mailguard.dsn for this database and no mailguard.account
Each failing step is printed with the command that fixes it. Exit 1 when
a step failed. Run as root (peer-login and the root-only ini need it).
--pool-dir (default /etc/php/8.2/fpm/pool.d) and --php-dir (default
/etc/php/8.2) point elsewhere; so do pool_dir and php_dir in the configuration.
TXT;

final class MgCheck
{
    public array $steps = [];

    public function step(string $name, bool $ok, string $detail, ?string $fix = null): bool
    {
        $this->steps[] = ['step' => $name, 'ok' => $ok, 'detail' => $detail, 'fix' => $ok ? null : $fix];
        return $ok;
    }

    public function failed(): int
    {
        return count(array_filter($this->steps, fn($s) => !$s['ok']));
    }

    public function text(string $user): string
    {
        $s = "check $user\n";
        foreach ($this->steps as $st) {
            $s .= sprintf("%-4s %-10s %s\n", $st['ok'] ? 'ok' : 'FAIL', $st['step'], $st['detail']);
            if ($st['fix'] !== null) {
                foreach (explode("\n", $st['fix']) as $l) {
                    $s .= "     fix: $l\n";
                }
            }
        }
        $f = $this->failed();
        return $s . ($f ? "$f of " . count($this->steps) . " steps failed: mail of $user is not metered as it should be\n"
            : "all " . count($this->steps) . " steps ok: mail of $user is metered\n");
    }
}

/** The sections of an FPM pool file: name => [key => value]. */
function mg_fpm_pools(string $dir): array
{
    $pools = [];
    foreach (glob("$dir/*.conf") ?: [] as $f) {
        $sect = null;
        foreach (file($f, FILE_IGNORE_NEW_LINES) ?: [] as $line) {
            $line = trim($line);
            if ($line === '' || $line[0] === ';' || $line[0] === '#') {
                continue;
            }
            if (preg_match('/^\[(.+)\]$/', $line, $m)) {
                $sect = $m[1];
                $pools[$sect] = ['file' => $f];
            } elseif ($sect !== null && preg_match('/^([^=]+?)\s*=\s*(.*)$/', $line, $m)) {
                $pools[$sect][$m[1]] = trim($m[2], " \t\"'");
            }
        }
    }
    return $pools;
}

/** mailguard's settings in the ini files FPM reads at startup: key => [value, file]. */
function mg_fpm_ini(string $php_dir): array
{
    $found = [];
    $files = array_merge(glob("$php_dir/fpm/php.ini") ?: [], glob("$php_dir/fpm/conf.d/*.ini") ?: []);
    foreach ($files as $f) {
        $ini = @parse_ini_file($f, true, INI_SCANNER_RAW);
        if ($ini === false) {
            continue;
        }
        // Top-level keys and those of [PATH=]/[HOST=] sections alike.
        $flat = [];
        foreach ($ini as $k => $v) {
            if (is_array($v)) {
                $flat += $v;
            } else {
                $flat[$k] = $v;
            }
        }
        foreach ($flat as $k => $v) {
            if (str_starts_with($k, 'mailguard.') || ($k === 'extension' && preg_match('/^mailguard(\.so)?$/', (string)$v))) {
                $found[$k] = [(string)$v, $f];
            }
        }
    }
    return $found;
}

function mg_dsn_parse(string $dsn): array
{
    preg_match_all("/(\w+)\s*=\s*('((?:[^'\\\\]|\\\\.)*)'|\S+)/", $dsn, $m, PREG_SET_ORDER);
    $out = [];
    foreach ($m as $x) {
        $out[$x[1]] = isset($x[3]) && $x[2][0] === "'" ? stripcslashes($x[3]) : $x[2];
    }
    return $out;
}

/** Tries to log in as $user by peer, with runuser and PHP: [ok, session_user or error]. */
function mg_try_peer(string $user, string $dsn): array
{
    $code = '$c = @pg_connect(getenv("MG_CHECK_DSN"), PGSQL_CONNECT_FORCE_NEW);'
        . 'if (!$c) { echo "ERR ", preg_replace("/\s+/", " ", error_get_last()["message"] ?? "?"); exit(1); }'
        . 'echo "OK ", pg_fetch_result(pg_query($c, "SELECT session_user"), 0, 0);';
    $env = ['MG_CHECK_DSN' => $dsn, 'PATH' => '/usr/sbin:/usr/bin:/sbin:/bin'];
    $p = proc_open(['runuser', '-u', $user, '--', PHP_BINARY, '-r', $code],
        [0 => ['file', '/dev/null', 'r'], 1 => ['pipe', 'w'], 2 => ['pipe', 'w']], $pipes, '/', $env);
    if ($p === false) {
        return [false, 'cannot run runuser'];
    }
    $out = trim(stream_get_contents($pipes[1]));
    $err = trim(stream_get_contents($pipes[2]));
    fclose($pipes[1]);
    fclose($pipes[2]);
    proc_close($p);
    if (str_starts_with($out, 'OK ')) {
        return [true, substr($out, 3)];
    }
    $msg = str_starts_with($out, 'ERR ') ? substr($out, 4) : ($err ?: $out);
    return [false, preg_replace('/^pg_connect\(\): (Unable to connect to PostgreSQL server: )?/', '', $msg)];
}

function mg_cmd_check(MgContext $ctx, ?string $sub, array $pos, array $opts): int
{
    mg_need_args($pos, 1, 1, 'mailguard check USER');
    $user = $pos[0];
    if (!preg_match('/^[a-z_][a-z0-9_.-]{0,31}$/i', $user)) {
        mg_fail("bad user name '$user'");
    }
    $pool_dir = $opts['pool-dir'] ?? $ctx->conf['pool_dir'] ?? '/etc/php/8.2/fpm/pool.d';
    $php_dir = $opts['php-dir'] ?? $ctx->conf['php_dir'] ?? '/etc/php/8.2';
    $db = $ctx->db();
    $db->require_schema();
    $dbname = $db->value('SELECT current_database()');
    $host = pg_host($db->conn);
    $port = pg_port($db->conn);
    $c = new MgCheck();
    $uq = escapeshellarg($user);

    $pw = function_exists('posix_getpwnam') ? posix_getpwnam($user) : false;
    $c->step('unix-user', $pw !== false, $pw ? "$user (uid {$pw['uid']})" : "no Unix user $user",
        "useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin $uq");

    $role = $db->one('SELECT rolcanlogin, rolsuper FROM pg_roles WHERE rolname = $1', [$user]);
    $add_client = "mailguard client add $uq --peer";
    if ($c->step('role', $role !== null && $role['rolcanlogin'],
        $role === null ? "no role $user" : ($role['rolcanlogin'] ? "role $user may log in" : "role $user cannot log in (NOLOGIN)"),
        $role === null ? $add_client : "runuser -u postgres -- psql -d $dbname -c 'ALTER ROLE \"$user\" LOGIN'")) {
        $exec = $db->value("SELECT has_function_privilege(\$1, p.oid, 'EXECUTE') FROM pg_proc p
            WHERE p.pronamespace = 'mailguard'::regnamespace AND p.proname = 'mail'", [$user]);
        $c->step('member', $exec === true, $exec ? 'may execute mailguard.mail()' : "$user is not a member of mailguard_client", $add_client);
    }

    $client = $db->one('SELECT trust_claimed, coalesce(account, role::text) AS account FROM mailguard.clients WHERE role = $1', [$user]);
    $account = $client['account'] ?? $user;
    if ($client === null) {
        $c->step('client', false, "no clients row for $user", $add_client);
    } else {
        $c->step('client', !$client['trust_claimed'],
            $client['trust_claimed'] ? "$user is a shared client (trusts the claimed account); a pool user should be peer"
                : "peer client, mail charged to account $account", $add_client);
    }

    if (posix_geteuid() !== 0) {
        $c->step('peer-login', false, 'not tried: run mailguard check as root', 'run it as root');
    } elseif ($pw !== false) {
        $dsn = mg_conninfo_quote(['host' => $host, 'port' => $port, 'dbname' => $dbname]);
        [$ok, $said] = mg_try_peer($user, $dsn);
        $ok = $ok && $said === $user;
        $c->step('peer-login', $ok, $ok ? "$user logs in by peer ($dsn)" : "$user cannot log in by peer: $said",
            "in pg_hba.conf, before broader local lines: local $dbname +mailguard_client peer map=mailguard\n"
            . "in pg_ident.conf: mailguard $user $user\n"
            . "runuser -u postgres -- psql -c 'SELECT pg_reload_conf()'");
    }

    $acct = $db->one('SELECT blocked, blocked_reason, msgs_hour, msgs_day, rcpts_hour, rcpts_day FROM mailguard.accounts WHERE name = $1', [$account]);
    $aq = escapeshellarg($account);
    $set_limits = "mailguard account set $aq --limit hour-messages=100 --limit day-messages=1000";
    if ($acct === null) {
        $default = $db->value('SELECT unknown_account FROM mailguard.settings') === 'default';
        $c->step('account', $default, $default ? "no account $account yet: the first mail creates it with the default limits"
            : "no account $account: its mail is refused (unknown-account)",
            "mailguard account add $aq --limit hour-messages=100 --limit day-messages=1000");
    } else {
        $c->step('account', true, "account $account exists");
        $limits = array_filter([$acct['msgs_hour'], $acct['msgs_day'], $acct['rcpts_hour'], $acct['rcpts_day']], fn($v) => $v !== null);
        if ($acct['blocked']) {
            $c->step('limits', false, "account $account is blocked: " . ($acct['blocked_reason'] ?? '(no reason)'), "mailguard account unblock $aq");
        } else {
            $c->step('limits', (bool)$limits, $limits ? "limits set (see mailguard usage $account)" : "account $account has no limit at all",
                $set_limits);
        }
    }

    $pools = array_filter(mg_fpm_pools($pool_dir), fn($p) => ($p['user'] ?? null) === $user);
    if (!$pools) {
        $c->step('pool', false, "no FPM pool in $pool_dir has user = $user",
            "add a pool with user = $user and group = $user to $pool_dir, then: systemctl reload php8.2-fpm");
    }
    foreach ($pools as $name => $p) {
        $claimed = $p['php_admin_value[mailguard.account]'] ?? $p['php_value[mailguard.account]'] ?? null;
        $ok = $claimed === null || $claimed === $account || $claimed === $user;
        $c->step('pool', $ok, "pool [$name] in " . basename($p['file']) . " runs as $user"
            . ($claimed === null ? ', account = the pool user' : ($ok ? " (mailguard.account = $claimed is ignored under FPM)"
                : ": sets mailguard.account = $claimed, which FPM ignores; the account is $user")),
            "delete the mailguard.account line from {$p['file']}");
    }

    $ini = mg_fpm_ini($php_dir);
    $problems = [];
    $fixes = [];
    $ini_file = "$php_dir/mods-available/mailguard.ini";
    if (!isset($ini['extension'])) {
        $problems[] = "FPM does not load mailguard ($php_dir/fpm/conf.d)";
        $fixes[] = "phpenmod -v 8.2 mailguard && systemctl restart php8.2-fpm";
    }
    if (($ini['mailguard.account'][0] ?? '') !== '') {
        [$v, $f] = $ini['mailguard.account'];
        $problems[] = "mailguard.account = $v in $f: every pool claims $v";
        $fixes[] = "delete mailguard.account from $f, then: systemctl restart php8.2-fpm";
    }
    $want = 'mailguard.dsn = "' . mg_conninfo_quote(['host' => $host, 'port' => $port, 'dbname' => $dbname]) . '"';
    if (($ini['mailguard.dsn'][0] ?? '') === '') {
        $problems[] = 'no mailguard.dsn: mail is not metered';
        $fixes[] = "echo '" . str_replace("'", "'\\''", $want) . "' >> $ini_file; systemctl restart php8.2-fpm";
    } else {
        [$v, $f] = $ini['mailguard.dsn'];
        $d = mg_dsn_parse($v);
        if (isset($d['user']) || isset($d['password'])) {
            $problems[] = 'mailguard.dsn in ' . basename($f) . ' names a user: the pools log in as ' . ($d['user'] ?? '?') . ', not by peer';
            $fixes[] = "in $f: $want";
        } elseif (($d['dbname'] ?? null) !== $dbname) {
            $problems[] = 'mailguard.dsn in ' . basename($f) . ' names database ' . ($d['dbname'] ?? '(none)') . ", not $dbname";
            $fixes[] = "in $f: $want";
        }
    }
    $c->step('ini', !$problems, $problems ? implode('; ', $problems) : "FPM loads mailguard with a peer DSN for $dbname",
        implode("\n", $fixes));

    $ctx->out(['user' => $user, 'account' => $account, 'ok' => $c->failed() === 0, 'steps' => $c->steps], $c->text($user));
    return $c->failed() ? MG_PROBLEM : MG_OK;
}
