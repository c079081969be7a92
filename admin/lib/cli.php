<?php
// The command line: options, help, output, errors and exit codes.
declare(strict_types=1);

require __DIR__ . '/db.php';
require __DIR__ . '/schema.php';
require __DIR__ . '/accounts.php';
require __DIR__ . '/uids.php';
require __DIR__ . '/check.php';
require __DIR__ . '/stats.php';
require __DIR__ . '/watch.php';
require __DIR__ . '/report.php';

// Exit codes (docs/operations.md, "The mailguard command").
const MG_OK = 0;
const MG_PROBLEM = 1;     // the command ran and found something wrong (check, schema status)
const MG_USAGE = 2;       // bad command line or value; nothing was changed
const MG_NO_DB = 3;       // the database cannot be reached
const MG_NOT_FOUND = 4;   // no such account, client, trace, uid mapping or Unix user
const MG_REFUSED = 5;     // the database refused the statement; nothing was changed

final class MgError extends Exception
{
    public function __construct(string $message, int $code)
    {
        parent::__construct($message, $code);
    }
}

function mg_fail(string $message, int $code = MG_USAGE): never
{
    throw new MgError($message, $code);
}

const MG_GLOBAL_HELP = <<<'TXT'
usage: mailguard COMMAND [ARGS] [OPTIONS]

  schema apply|status              create or upgrade the schema; applied and pending migrations
  client add|remove|list           login roles that may ask (peer or shared)
  account add|set|show|list|block|unblock|remove
                                   accounts, their limits, senders, time zone, block
  uid map|unmap|list               OS uid -> account, for the milter's sendmail/SMTP mail
  check USER                       would this Unix user's PHP mail be metered? each step
  usage [ACCOUNT]                  the current hour and day windows against the limits
  top accounts|scripts|entries|vhosts   mails and refusals, most first
  log                              the message log, filtered; --follow for new rows
  trace ID                         the whole log row behind an X-Mailguard-Trace header
  watch                            one line per quota crossing (NOTIFY mailguard_quota)
  retention                        log partitions; --personal-days N prunes personal fields
  report --html FILE               one self-contained HTML page

Connection (like psql): -h HOST, -p PORT, -d DBNAME, -U USER, and the PG*
variables; they override the dsn in /etc/mailguard/mailguard.conf
(--config FILE or MAILGUARD_CONF for another file).
Every command takes --help and --json.
Exit status: 0 ok, 1 a problem was found, 2 bad usage, 3 database
unreachable, 4 not found, 5 refused by the database.
TXT;

// Options every command takes: name => [kind, short]. kind: flag, value.
const MG_GLOBAL_OPTS = [
    'host' => ['value', 'h'], 'port' => ['value', 'p'], 'dbname' => ['value', 'd'],
    'username' => ['value', 'U'], 'config' => ['value', null], 'json' => ['flag', null],
    'help' => ['flag', null],
];

// The commands: name => [handler, help, options, subcommands or null].
function mg_commands(): array
{
    return [
        'schema' => ['mg_cmd_schema', MG_HELP_SCHEMA, [], ['apply', 'status']],
        'client' => ['mg_cmd_client', MG_HELP_CLIENT, ['peer' => ['flag', null], 'shared' => ['flag', null],
            'account' => ['value', null]], ['add', 'remove', 'list']],
        'account' => ['mg_cmd_account', MG_HELP_ACCOUNT, MG_ACCOUNT_OPTS,
            ['add', 'set', 'show', 'list', 'block', 'unblock', 'remove']],
        'uid' => ['mg_cmd_uid', MG_HELP_UID, [], ['map', 'unmap', 'list']],
        'check' => ['mg_cmd_check', MG_HELP_CHECK, ['pool-dir' => ['value', null], 'php-dir' => ['value', null]], null],
        'usage' => ['mg_cmd_usage', MG_HELP_USAGE, ['window' => ['value', null]], null],
        'top' => ['mg_cmd_top', MG_HELP_TOP, ['since' => ['value', null], 'limit' => ['value', null]],
            ['accounts', 'scripts', 'entries', 'vhosts']],
        'log' => ['mg_cmd_log', MG_HELP_LOG, MG_LOG_OPTS, null],
        'trace' => ['mg_cmd_trace', MG_HELP_TRACE, [], null],
        'watch' => ['mg_cmd_watch', MG_HELP_WATCH, ['mail' => ['value', null], 'sendmail' => ['value', null],
            'count' => ['value', null]], null],
        'retention' => ['mg_cmd_retention', MG_HELP_RETENTION, ['personal-days' => ['value', null]], null],
        'report' => ['mg_cmd_report', MG_HELP_REPORT, ['html' => ['value', null], 'since' => ['value', null],
            'tz' => ['value', null], 'accounts' => ['value', null]], null],
    ];
}

/**
 * Splits ARGS into options and positional words. $spec: name => [kind, short].
 * Accepts --name VALUE, --name=VALUE, -x VALUE, -xVALUE; "--" ends options.
 */
function mg_parse(array $args, array $spec): array
{
    $short = [];
    foreach ($spec as $name => [, $s]) {
        if ($s !== null) {
            $short[$s] = $name;
        }
    }
    $opts = [];
    $pos = [];
    for ($i = 0; $i < count($args); $i++) {
        $a = $args[$i];
        if ($a === '--') {
            array_push($pos, ...array_slice($args, $i + 1));
            break;
        }
        $value = null;
        if (str_starts_with($a, '--')) {
            $name = substr($a, 2);
            if (($eq = strpos($name, '=')) !== false) {
                $value = substr($name, $eq + 1);
                $name = substr($name, 0, $eq);
            }
        } elseif (strlen($a) > 1 && $a[0] === '-' && !ctype_digit($a[1])) {
            $name = $short[$a[1]] ?? mg_fail("unknown option -$a[1] (see --help)");
            if (strlen($a) > 2) {
                $value = substr($a, 2);
            }
        } else {
            $pos[] = $a;
            continue;
        }
        [$kind] = $spec[$name] ?? mg_fail("unknown option --$name (see --help)");
        if ($kind === 'flag') {
            if ($value !== null) {
                mg_fail("option --$name takes no value");
            }
            $opts[$name] = true;
            continue;
        }
        if ($value === null) {
            if (!array_key_exists($i + 1, $args)) {
                mg_fail("option --$name needs a value");
            }
            $value = $args[++$i];
        }
        if ($kind === 'multi') {
            $opts[$name][] = $value;
        } else {
            $opts[$name] = $value;
        }
    }
    return [$opts, $pos];
}

function mg_main(array $args): int
{
    try {
        return mg_dispatch($args);
    } catch (MgError $e) {
        fwrite(STDERR, 'mailguard: ' . mg_one_line($e->getMessage()) . "\n");
        return $e->getCode();
    } catch (MgDbError $e) {
        fwrite(STDERR, 'mailguard: the database refused: ' . mg_one_line($e->getMessage()) . "\n");
        return MG_REFUSED;
    } catch (Throwable $e) {
        fwrite(STDERR, 'mailguard: internal error: ' . mg_one_line($e->getMessage()) . "\n");
        return 70;
    }
}

function mg_one_line(string $s): string
{
    return trim(preg_replace('/\s*\n\s*/', '; ', trim($s)));
}

function mg_dispatch(array $args): int
{
    $commands = mg_commands();
    // Options before the command word.
    $lead = [];
    while ($args && str_starts_with($args[0], '-') && $args[0] !== '--') {
        $a = array_shift($args);
        $lead[] = $a;
        $takes_value = preg_match('/^(-[hpdU]|--(host|port|dbname|username|config))$/', $a);
        if ($takes_value && $args) {
            $lead[] = array_shift($args);
        }
    }
    $name = array_shift($args);
    if ($name === null || $name === 'help') {
        [$o] = mg_parse($lead, MG_GLOBAL_OPTS);
        if ($name === null && !isset($o['help'])) {
            fwrite(STDERR, MG_GLOBAL_HELP . "\n");
            return MG_USAGE;
        }
        echo MG_GLOBAL_HELP, "\n";
        return MG_OK;
    }
    if (!isset($commands[$name])) {
        mg_fail("unknown command '$name' (commands: " . implode(', ', array_keys($commands)) . ')');
    }
    [$handler, $help, $spec, $subs] = $commands[$name];
    [$opts, $pos] = mg_parse(array_merge($lead, $args), MG_GLOBAL_OPTS + $spec);
    if (isset($opts['help'])) {
        echo $help, "\n";
        return MG_OK;
    }
    $sub = null;
    if ($subs !== null) {
        $sub = array_shift($pos);
        if ($sub === null) {
            mg_fail("$name needs one of: " . implode(', ', $subs) . " (see mailguard $name --help)");
        }
        if (!in_array($sub, $subs, true)) {
            mg_fail("unknown $name command '$sub' (one of: " . implode(', ', $subs) . ')');
        }
    }
    $ctx = new MgContext($opts);
    return $handler($ctx, $sub, $pos, $opts);
}

/** What a command needs: its options, the configuration and the database. */
final class MgContext
{
    public array $conf = [];
    public bool $json;
    private ?MgDb $db = null;

    public function __construct(public array $opts)
    {
        $this->json = isset($opts['json']);
        $this->conf = mg_read_conf($opts['config'] ?? (getenv('MAILGUARD_CONF') ?: null));
    }

    /** The libpq connection string: the configuration's dsn, then -h -p -d -U. */
    public function conninfo(): string
    {
        $parts = ['application_name' => 'mailguard'];
        $s = mg_conninfo_quote($parts) . ' ' . ($this->conf['dsn'] ?? '');
        $map = ['host' => 'host', 'port' => 'port', 'dbname' => 'dbname', 'username' => 'user'];
        $over = [];
        foreach ($map as $opt => $key) {
            if (isset($this->opts[$opt])) {
                $over[$key] = $this->opts[$opt];
            }
        }
        // libpq: a keyword given twice takes the last value.
        return trim($s . ' ' . mg_conninfo_quote($over));
    }

    public function db(): MgDb
    {
        return $this->db ??= new MgDb($this->conninfo());
    }

    /** Prints $data as JSON, or $text as it is. */
    public function out(mixed $data, string|callable $text): int
    {
        if ($this->json) {
            echo json_encode($data, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
                | JSON_INVALID_UTF8_SUBSTITUTE | JSON_PRESERVE_ZERO_FRACTION), "\n";
        } else {
            echo is_string($text) ? $text : $text($data);
        }
        return MG_OK;
    }
}

/**
 * The tool's own configuration: an ini file, root-only because its dsn may
 * hold a password. Keys: dsn, mail_to, sendmail, pool_dir, php_dir.
 */
function mg_read_conf(?string $path): array
{
    $explicit = $path !== null;
    $path ??= '/etc/mailguard/mailguard.conf';
    if (!file_exists($path)) {
        if ($explicit) {
            mg_fail("configuration file $path does not exist");
        }
        return [];
    }
    if (!is_readable($path)) {
        mg_fail("cannot read $path (it is root-only: run as root, or give -h -p -d -U)");
    }
    $conf = @parse_ini_file($path, false, INI_SCANNER_RAW);
    if ($conf === false) {
        mg_fail("$path: not a valid ini file");
    }
    $known = ['dsn', 'mail_to', 'sendmail', 'pool_dir', 'php_dir'];
    foreach (array_keys($conf) as $k) {
        if (!in_array($k, $known, true)) {
            mg_fail("$path: unknown setting '$k' (settings: " . implode(', ', $known) . ')');
        }
    }
    return $conf;
}

/** key='value' pairs for a libpq connection string. */
function mg_conninfo_quote(array $parts): string
{
    $out = [];
    foreach ($parts as $k => $v) {
        $out[] = $k . "='" . strtr((string)$v, ['\\' => '\\\\', "'" => "\\'"]) . "'";
    }
    return implode(' ', $out);
}

/** "24h", "7d", "30m", "90s", "2w" as a PostgreSQL interval; null when absent. */
function mg_interval(?string $s, string $default): string
{
    $s ??= $default;
    if (!preg_match('/^([1-9][0-9]{0,5})([smhdw])$/', $s, $m)) {
        mg_fail("bad duration '$s' (a number and s, m, h, d or w: 30m, 24h, 7d)");
    }
    $unit = ['s' => 'seconds', 'm' => 'minutes', 'h' => 'hours', 'd' => 'days', 'w' => 'weeks'][$m[2]];
    return "$m[1] $unit";
}

function mg_uint(string $what, string $v, int $max = 2147483647): int
{
    if (!preg_match('/^[0-9]{1,10}$/', $v) || (int)$v > $max) {
        mg_fail("bad $what '$v' (a whole number from 0 to $max)");
    }
    return (int)$v;
}

function mg_need_args(array $pos, int $min, int $max, string $usage): void
{
    if (count($pos) < $min || count($pos) > $max) {
        mg_fail("usage: $usage");
    }
}

/** A plain-text table: $cols = header => key. NULL prints as "-". */
function mg_table(array $rows, array $cols): string
{
    $w = [];
    foreach ($cols as $h => $k) {
        $w[$h] = strlen($h);
        foreach ($rows as $r) {
            $w[$h] = max($w[$h], strlen(mg_cell($r[$k] ?? null)));
        }
    }
    $line = fn(array $cells) => rtrim(implode('  ', array_map(
        fn($h, $c) => str_pad($c, $w[$h]), array_keys($cols), $cells))) . "\n";
    $s = $line(array_keys($cols));
    foreach ($rows as $r) {
        $s .= $line(array_map(fn($k) => mg_cell($r[$k] ?? null), array_values($cols)));
    }
    return $s;
}

function mg_cell(mixed $v): string
{
    return match (true) {
        $v === null => '-',
        $v === true => 'yes',
        $v === false => 'no',
        is_array($v) => implode(',', $v),
        default => preg_replace('/[\x00-\x1f\x7f]/', '?', (string)$v),
    };
}
