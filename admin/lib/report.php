<?php
// report --html FILE: one self-contained page (inline CSS, SVG and a few
// lines of JS; nothing loaded from the network when it is viewed).
declare(strict_types=1);

const MG_HELP_REPORT = <<<'TXT'
usage: mailguard report --html FILE [--since 7d] [--tz ZONE] [--accounts 50]

Writes one self-contained HTML page (inline CSS, SVG and script, nothing
fetched when viewed): mails and refusals per hour of the accounts with
the most mails, the top scripts and entry points, the verdict mix, over
--since (s, m, h, d, w; default 7d). FILE - writes to standard output.
--accounts N: how many accounts get a chart and a row (default 50; the
page says how many had mail). Whole hours come from the hourly roll-up
(mailguard.log_hourly, brought up to date first), the rest from the log.
--tz ZONE: the hours (and every time on the page) are those of ZONE
(Europe/Berlin, Asia/Kolkata; default UTC); the page names the zone and
each hour carries its UTC offset.
TXT;

function mg_h(mixed $v): string
{
    return htmlspecialchars(mg_cell($v), ENT_QUOTES | ENT_SUBSTITUTE | ENT_HTML5, 'UTF-8');
}

/** The verdict mix's key: accept, or the reason before ':' of a refusal. */
const MG_REPORT_CLASS = "CASE WHEN verdict = 'accept' THEN 'accept' ELSE coalesce(reason_class, 'refuse') END";

function mg_report_data(MgDb $db, string $interval, string $tz, int $top): array
{
    // The session's zone: date_trunc('hour', ts) cuts the zone's hours (a
    // +05:30 hour starts at :30 UTC), to_char() writes its offset, and the
    // times in the tables are in it too.
    $db->value("SELECT set_config('TimeZone', \$1, false)", [$tz]);
    $hour = "'YYYY-MM-DD\"T\"HH24:MITZH:TZM'";
    $win = mg_window($db, $interval);
    $hours = array_column($db->query("SELECT to_char(h, $hour) AS h FROM generate_series(
        date_trunc('hour', \$1::timestamptz), date_trunc('hour', now()), interval '1 hour') h", [$win['s']]), 'h');
    // One pass over the window for the totals, the verdict mix, the top
    // accounts, scripts and entry points (grouping sets; g tells which).
    [$from, $params] = mg_window_from($win, 3, ['account', 'script', 'entry', 'verdict', 'reason_class', 'mails', 'rcpts', 'last']);
    $rows = $db->query("SELECT g, account, script, entry, vc AS verdict, mails, accepted, refused, recipients, last, groups
        FROM (SELECT *, row_number() OVER (PARTITION BY g ORDER BY mails DESC, CASE WHEN g = 14 THEN 0 ELSE refused END DESC,
                                                account, script, entry, vc) AS n,
                     count(*) OVER (PARTITION BY g) AS groups
                FROM (SELECT grouping(account, script, entry, vc) AS g, account, script, entry, vc, " . MG_WINDOW_SUMS . ",
                             max(last) AS last
                        FROM (SELECT *, " . MG_REPORT_CLASS . " AS vc FROM $from) v
                       GROUP BY GROUPING SETS ((), (vc), (account), (account, script), (account, entry))) a) r
       WHERE g IN (15, 14) OR (g = 7 AND n <= \$1) OR (g IN (3, 5) AND n <= \$2)
       ORDER BY g DESC, n", array_merge([$top, 20], $params));
    $sets = [15 => [], 14 => [], 7 => [], 3 => [], 5 => []];
    foreach ($rows as $r) {
        $sets[$r['g']][] = $r;
    }
    $pick = fn(array $rows, array $keys) => array_map(fn($r) => array_intersect_key($r, array_flip($keys)), $rows);
    $sums = ['mails', 'accepted', 'refused', 'recipients', 'last'];
    $accounts = $pick($sets[7], array_merge(['account'], $sums));
    // Per hour: the charted (top) accounts only. Zones whose offset is
    // not whole hours cut hours the UTC roll-up does not have: the log.
    $whole = !array_filter($hours, fn($h) => substr($h, -2) !== '00');
    [$from, $params] = mg_window_from($whole ? $win : ['rollup' => false, 'e' => $win['c']] + $win, 3,
        ['hour', 'account', 'verdict', 'mails']);
    $names = array_values(array_filter(array_column($accounts, 'account'), 'is_string'));
    $per_hour = $db->query("SELECT account, to_char(hour, $hour) AS h,
            coalesce(sum(mails) FILTER (WHERE verdict = 'accept'), 0)::bigint AS accepted,
            coalesce(sum(mails) FILTER (WHERE verdict = 'refuse'), 0)::bigint AS refused
          FROM $from
         WHERE account IN (SELECT jsonb_array_elements_text(\$1::jsonb)) OR (\$2 AND account IS NULL)
         GROUP BY account, hour ORDER BY 1, 2",
        array_merge([json_encode($names), count($names) < count($accounts) ? 't' : 'f'], $params));
    return [
        'generated' => $db->value("SELECT to_char(now(), 'YYYY-MM-DD HH24:MI')") . " $tz",
        'since' => $interval,
        'tz' => $tz,
        'offset' => $db->value("SELECT to_char(now(), 'TZH:TZM')"),
        'totals' => $pick($sets[15], ['mails', 'accepted', 'refused', 'recipients'])[0],
        'hours' => $hours,
        'per_hour' => $per_hour,
        'accounts' => $accounts,
        'accounts_total' => $sets[7][0]['groups'] ?? 0,
        'scripts' => $pick($sets[3], array_merge(['account', 'script'], $sums)),
        'entries' => $pick($sets[5], array_merge(['account', 'entry'], $sums)),
        'verdicts' => $pick($sets[14], ['verdict', 'mails']),
    ];
}

/** Stacked bars, one per hour: accepted below, refused on top. */
function mg_report_svg(array $hours, array $counts): string
{
    $bw = max(2, min(12, intdiv(720, max(1, count($hours)))));
    $height = 80;
    $max = 1;
    foreach ($counts as [$a, $r]) {
        $max = max($max, $a + $r);
    }
    $width = $bw * count($hours);
    $s = "<svg class=\"bars\" width=\"$width\" height=\"" . ($height + 1) . "\" viewBox=\"0 0 $width " . ($height + 1)
        . "\" role=\"img\" aria-label=\"mails per hour\">";
    foreach ($hours as $i => $h) {
        [$a, $r] = $counts[$h] ?? [0, 0];
        if ($a + $r === 0) {
            continue;
        }
        $x = $i * $bw;
        $ha = round($height * $a / $max, 1);
        $hr = round($height * $r / $max, 1);
        $s .= '<g data-h="' . mg_h($h) . "\" data-accepted=\"$a\" data-refused=\"$r\"><title>" . mg_h("$h: $a accepted, $r refused") . '</title>';
        if ($a) {
            $s .= "<rect class=\"a\" x=\"$x\" y=\"" . ($height - $ha) . "\" width=\"" . ($bw - 1) . "\" height=\"$ha\"/>";
        }
        if ($r) {
            $s .= "<rect class=\"r\" x=\"$x\" y=\"" . ($height - $ha - $hr) . "\" width=\"" . ($bw - 1) . "\" height=\"$hr\"/>";
        }
        $s .= '</g>';
    }
    return $s . "<line x1=\"0\" y1=\"$height\" x2=\"$width\" y2=\"$height\"/></svg>";
}

function mg_report_table(string $id, array $rows, array $cols): string
{
    $s = "<table id=\"$id\" class=\"sortable\"><thead><tr>";
    foreach ($cols as $h => $k) {
        $s .= '<th>' . mg_h($h) . '</th>';
    }
    $s .= '</tr></thead><tbody>';
    foreach ($rows as $r) {
        $s .= '<tr>';
        foreach ($cols as $k) {
            $num = is_int($r[$k] ?? null);
            $s .= '<td data-k="' . $k . '"' . ($num ? ' class="n"' : '') . '>' . mg_h($r[$k] ?? null) . '</td>';
        }
        $s .= '</tr>';
    }
    return $s . ($rows ? '' : '<tr><td colspan="' . count($cols) . '">none</td></tr>') . '</tbody></table>';
}

function mg_report_html(array $d): string
{
    $t = $d['totals'];
    $per = [];
    foreach ($d['per_hour'] as $r) {
        $per[$r['account'] ?? ''][$r['h']] = [$r['accepted'], $r['refused']];
    }
    $charts = '';
    foreach ($d['accounts'] as $a) {
        $name = $a['account'] ?? '';
        $charts .= '<div class="acct" data-account="' . mg_h($name) . '" data-mails="' . $a['mails'] . '" data-refused="'
            . $a['refused'] . '"><h3>' . mg_h($a['account'] ?? '(no account)') . ' <small>' . $a['mails'] . ' mails, '
            . $a['refused'] . ' refused</small></h3>' . mg_report_svg($d['hours'], $per[$name] ?? []) . '</div>';
    }
    $mix = '';
    $total = max(1, $t['mails']);
    foreach ($d['verdicts'] as $v) {
        $pct = round(100 * $v['mails'] / $total, 1);
        $mix .= '<tr data-verdict="' . mg_h($v['verdict']) . '"><td>' . mg_h($v['verdict']) . '</td><td class="n" data-k="mails">'
            . $v['mails'] . '</td><td><span class="bar ' . ($v['verdict'] === 'accept' ? 'a' : 'r') . '" style="width:'
            . max(1, (int)round(2 * $pct)) . 'px"></span> ' . $pct . '%</td></tr>';
    }
    $tz = mg_h($d['tz']);
    $n_shown = count($d['accounts']);
    $off = mg_h($d['offset']);
    $first = mg_h($d['hours'][0] ?? '');
    $last = mg_h(end($d['hours']) ?: '');
    $json = json_encode(['totals' => $t, 'since' => $d['since']], JSON_HEX_TAG | JSON_HEX_AMP | JSON_HEX_APOS | JSON_HEX_QUOT);
    $scripts = mg_report_table('scripts', $d['scripts'], ['account' => 'account', 'script' => 'script', 'mails' => 'mails',
        'refused' => 'refused', 'recipients' => 'recipients']);
    $entries = mg_report_table('entries', $d['entries'], ['account' => 'account', 'entry' => 'entry', 'mails' => 'mails',
        'refused' => 'refused', 'recipients' => 'recipients']);
    $shown = count($d['accounts']) < $d['accounts_total']
        ? "the {$d['accounts_total']} accounts with mail: the " . count($d['accounts']) . ' with the most mails'
        : "the {$d['accounts_total']} accounts with mail";
    $accounts = mg_report_table('accounts', $d['accounts'], ['account' => 'account', 'mails' => 'mails', 'accepted' => 'accepted',
        'refused' => 'refused', 'recipients' => 'recipients', 'last' => 'last']);
    return <<<HTML
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>mailguard report, {$d['generated']}</title>
<link rel="icon" href="data:,">
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}
h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ccc}h3{font-size:1em;margin:.8em 0 .2em}
small{color:#666;font-weight:normal}
.totals span{display:inline-block;margin-right:2em}.totals b{font-size:1.3em}
table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #eee;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{cursor:pointer;background:#f4f4f4}
svg.bars rect.a,.bar.a{fill:#4a8;background:#4a8}svg.bars rect.r,.bar.r{fill:#d54;background:#d54}
svg.bars line{stroke:#999}.bar{display:inline-block;height:.8em}
.legend .bar{width:1em}
</style></head>
<body>
<h1>mailguard report</h1>
<p>Mail from {$first} to {$last} (the last {$d['since']}), generated {$d['generated']}. Hours and times are in time zone {$tz}.</p>
<p class="totals" id="totals" data-mails="{$t['mails']}" data-accepted="{$t['accepted']}" data-refused="{$t['refused']}" data-recipients="{$t['recipients']}">
<span><b>{$t['mails']}</b> mails</span><span><b>{$t['accepted']}</b> accepted</span><span><b>{$t['refused']}</b> refused</span><span><b>{$t['recipients']}</b> recipients accepted</span></p>
<h2>Verdicts</h2>
<table id="verdicts"><tbody>{$mix}</tbody></table>
<h2>Mails and refusals per hour, by account</h2>
<p id="shown" data-shown="{$n_shown}" data-total="{$d['accounts_total']}">Of {$shown}, most mails first.</p>
<p class="legend" id="tz" data-tz="{$tz}" data-offset="{$off}"><span class="bar a"></span> accepted <span class="bar r"></span> refused; one bar per hour of time zone <b>{$tz}</b> (UTC{$off} now; each hour's offset in its tooltip)</p>
{$charts}
<h2>Accounts</h2>
{$accounts}
<h2>Top scripts</h2>
{$scripts}
<h2>Top entry points</h2>
{$entries}
<script type="application/json" id="mg-data">{$json}</script>
<script>
"use strict";
(function () {
  var data = JSON.parse(document.getElementById("mg-data").textContent);
  document.querySelectorAll("table.sortable th").forEach(function (th, i) {
    th.addEventListener("click", function () {
      var col = Array.prototype.indexOf.call(th.parentNode.children, th);
      var body = th.closest("table").tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var num = rows.length && rows[0].cells[col] && rows[0].cells[col].classList.contains("n");
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        return num ? Number(y) - Number(x) : x.localeCompare(y);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  document.body.setAttribute("data-ready", String(data.totals.mails));
})();
</script>
</body></html>

HTML;
}

function mg_cmd_report(MgContext $ctx, ?string $sub, array $pos, array $opts): int
{
    mg_need_args($pos, 0, 0, 'mailguard report --html FILE [--since 7d] [--tz ZONE] [--accounts 50]');
    $top = isset($opts['accounts']) ? mg_uint('--accounts', $opts['accounts'], 100000) : 50;
    $file = $opts['html'] ?? mg_fail('report needs --html FILE');
    $interval = mg_interval($opts['since'] ?? null, '7d');
    if ($file !== '-' && (is_dir($file) || !is_dir(dirname($file)))) {
        mg_fail("cannot write $file (no such directory, or a directory)");
    }
    $db = $ctx->db();
    $db->require_schema();
    $tz = mg_time_zone($db, $opts['tz'] ?? 'UTC');
    mg_rollup($db);
    $d = mg_report_data($db, $interval, $tz, $top);
    $html = mg_report_html($d);
    if ($file === '-') {
        echo $html;
        return MG_OK;
    }
    if (@file_put_contents($file, $html) === false) {
        mg_fail("cannot write $file", MG_PROBLEM);
    }
    return $ctx->out(['file' => $file, 'totals' => $d['totals']], "report written to $file ({$d['totals']['mails']} mails)\n");
}
