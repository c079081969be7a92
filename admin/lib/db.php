<?php
// The database connection: parameters always as parameters (never quoted
// into SQL), typed results, one-line errors.
declare(strict_types=1);

final class MgDb
{
    /** @var \PgSql\Connection */
    public $conn;

    public function __construct(public string $conninfo)
    {
        if (!function_exists('pg_connect')) {
            mg_fail('PHP has no pgsql extension (apt-get install php8.2-pgsql)', MG_NO_DB);
        }
        $c = @pg_connect($conninfo, PGSQL_CONNECT_FORCE_NEW);
        if ($c === false) {
            $msg = error_get_last()['message'] ?? 'unknown error';
            $msg = preg_replace('/^pg_connect\(\): (Unable to connect to PostgreSQL server: )?/', '', $msg);
            mg_fail('cannot connect to the database: ' . $msg, MG_NO_DB);
        }
        $this->conn = $c;
        $this->exec("SET application_name = 'mailguard'");
        // top, log and report aggregate up to a week of the log: on a
        // 10M-row log (bench/growth.sh) JIT compiled for ~1 s of a 5.6 s
        // `top scripts --since 7d`, and 4MB of work_mem made its hash
        // aggregate spill to disk. One operator's session, a few queries.
        $this->exec('SET jit = off');
        $this->exec("SET work_mem = '64MB'");
    }

    /** Runs one statement; returns its rows, typed (int, bool, float, json decoded). */
    public function query(string $sql, array $params = []): array
    {
        if (!@pg_send_query_params($this->conn, $sql, $params)) {
            mg_fail('lost the database connection: ' . pg_last_error($this->conn), MG_NO_DB);
        }
        $rows = [];
        $error = null;
        while (($res = pg_get_result($this->conn)) !== false) {
            $st = pg_result_status($res);
            if ($st === PGSQL_FATAL_ERROR || $st === PGSQL_BAD_RESPONSE || $st === PGSQL_NONFATAL_ERROR) {
                $error ??= [pg_result_error_field($res, PGSQL_DIAG_SQLSTATE),
                    pg_result_error_field($res, PGSQL_DIAG_MESSAGE_PRIMARY) ?: pg_result_error($res)];
                continue;
            }
            if ($st === PGSQL_TUPLES_OK) {
                $rows = array_merge($rows, $this->typed($res));
            }
        }
        if ($error !== null) {
            throw new MgDbError($error[1] ?? 'error', (string)$error[0]);
        }
        if (pg_connection_status($this->conn) !== PGSQL_CONNECTION_OK) {
            mg_fail('lost the database connection', MG_NO_DB);
        }
        return $rows;
    }

    public function one(string $sql, array $params = []): ?array
    {
        return $this->query($sql, $params)[0] ?? null;
    }

    public function value(string $sql, array $params = []): mixed
    {
        $r = $this->one($sql, $params);
        return $r === null ? null : reset($r);
    }

    public function exec(string $sql, array $params = []): void
    {
        $this->query($sql, $params);
    }

    /** Runs $fn inside a transaction: all of it or nothing. */
    public function transaction(callable $fn): mixed
    {
        $this->exec('BEGIN');
        try {
            $r = $fn($this);
            $this->exec('COMMIT');
            return $r;
        } catch (Throwable $e) {
            @pg_query($this->conn, 'ROLLBACK');
            throw $e;
        }
    }

    private function typed($res): array
    {
        $n = pg_num_fields($res);
        $types = [];
        for ($i = 0; $i < $n; $i++) {
            $types[pg_field_name($res, $i)] = pg_field_type($res, $i);
        }
        $rows = pg_fetch_all($res, PGSQL_ASSOC) ?: [];
        foreach ($rows as &$row) {
            foreach ($row as $k => &$v) {
                if ($v === null) {
                    continue;
                }
                $v = match ($types[$k]) {
                    'int2', 'int4', 'int8' => (int)$v,
                    'bool' => $v === 't',
                    'float4', 'float8', 'numeric' => (float)$v,
                    'json', 'jsonb' => json_decode($v, true),
                    default => $v,
                };
            }
        }
        return $rows;
    }

    /** True when the mailguard schema is installed in this database. */
    public function installed(): bool
    {
        return $this->value("SELECT to_regclass('mailguard.schema_version') IS NOT NULL") === true;
    }

    public function require_schema(): void
    {
        if (!$this->installed()) {
            mg_fail('the mailguard schema is not installed in this database (run: mailguard schema apply)', MG_PROBLEM);
        }
    }
}

/** An error the database reported for a statement: one line, exit 5. */
final class MgDbError extends RuntimeException
{
    public function __construct(string $message, public string $sqlstate)
    {
        parent::__construct($message);
    }
}
