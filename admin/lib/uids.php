<?php
// uid map|unmap|list: rows of mailguard.uids (schema version 4), the
// submitting OS uid -> account map the milter charges sendmail and SMTP
// mail by. What `mailguard-db map-uid|unmap-uid` does, with a user name
// for the uid, an account that must exist and a list.
declare(strict_types=1);

const MG_HELP_UID = <<<'TXT'
usage: mailguard uid map UID ACCOUNT
       mailguard uid unmap UID
       mailguard uid list [ACCOUNT]

map     mail the milter sees from OS uid UID (the sendmail command, SMTP
        from this host) counts for ACCOUNT, which must exist. A uid mapped
        already moves to ACCOUNT. UID is a number or a Unix user name.
unmap   removes the mapping: that uid's mail is then refused as
        unknown-uid (unless the milter's customer_uids leaves it out).
list    every mapped uid, its user name on this host, its account.
Needs schema version 4 (mailguard schema apply).
TXT;

/** A uid from a number or a user name of this host. */
function mg_uid_arg(string $v): int
{
    if (preg_match('/^[0-9]+$/', $v)) {
        return mg_uint('UID', $v);
    }
    if ($v === '' || $v[0] === '-' || !function_exists('posix_getpwnam')) {
        mg_fail("bad UID '$v' (a number, or a Unix user name)");
    }
    $pw = posix_getpwnam($v);
    if ($pw === false) {
        mg_fail("no Unix user '$v' on this host (give the uid as a number)", MG_NOT_FOUND);
    }
    return $pw['uid'];
}

function mg_uid_user(int $uid): ?string
{
    $pw = function_exists('posix_getpwuid') ? posix_getpwuid($uid) : false;
    return $pw === false ? null : $pw['name'];
}

function mg_cmd_uid(MgContext $ctx, string $sub, array $pos): int
{
    $db = $ctx->db();
    $db->require_schema();
    if ($db->value("SELECT to_regclass('mailguard.uids') IS NOT NULL") !== true) {
        mg_fail('this schema has no uid map (version 4, for the milter): run mailguard schema apply', MG_PROBLEM);
    }
    if ($sub === 'list') {
        mg_need_args($pos, 0, 1, 'mailguard uid list [ACCOUNT]');
        $rows = isset($pos[0])
            ? $db->query('SELECT uid, account FROM mailguard.uids WHERE account = $1 ORDER BY uid', [mg_account_name($pos[0])])
            : $db->query('SELECT uid, account FROM mailguard.uids ORDER BY uid');
        $rows = array_map(fn($r) => ['uid' => $r['uid'], 'user' => mg_uid_user($r['uid']), 'account' => $r['account']], $rows);
        return $ctx->out($rows, fn($r) => mg_table($r, ['UID' => 'uid', 'USER' => 'user', 'ACCOUNT' => 'account']));
    }
    if ($sub === 'map') {
        mg_need_args($pos, 2, 2, 'mailguard uid map UID ACCOUNT');
        $uid = mg_uid_arg($pos[0]);
        $account = mg_account_name($pos[1]);
        mg_account_get($db, $account);
        $was = $db->value('SELECT account FROM mailguard.uids WHERE uid = $1', [$uid]);
        $db->exec('INSERT INTO mailguard.uids (uid, account) VALUES ($1, $2)
            ON CONFLICT (uid) DO UPDATE SET account = EXCLUDED.account', [$uid, $account]);
        $row = ['uid' => $uid, 'user' => mg_uid_user($uid), 'account' => $account, 'was' => $was];
        return $ctx->out($row, "uid $uid" . ($row['user'] !== null ? " ({$row['user']})" : '') . ": account $account"
            . ($was !== null && $was !== $account ? " (was $was)" : '') . "\n");
    }
    mg_need_args($pos, 1, 1, 'mailguard uid unmap UID');
    $uid = mg_uid_arg($pos[0]);
    $was = $db->value('DELETE FROM mailguard.uids WHERE uid = $1 RETURNING account', [$uid])
        ?? mg_fail("uid $uid is not mapped (see mailguard uid list)", MG_NOT_FOUND);
    return $ctx->out(['uid' => $uid, 'unmapped' => $was], "uid $uid: mapping to $was removed\n");
}
