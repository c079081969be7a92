--TEST--
database: mailguard.envelope_sender=On sets -f to the From address when its domain is the account's, else to the account's default sender; hostile From values never reach the command line
--EXTENSIONS--
sockets
mbstring
--SKIPIF--
<?php require __DIR__ . '/../inc/helpers.inc'; mg_db_skipif(); ?>
--INI--
mailguard.dsn="${MG_PG_DSN}"
mailguard.account=db_envelope_sender
mailguard.envelope_sender=1
mailguard.additional_params=envelope
mailguard.syslog_socket={TMP}/mg-db_envelope_sender.sock
sendmail_path="/bin/sh {TMP}/mg-db_envelope_sender.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_db_account('db_envelope_sender', ['sender_domains' => '{example.com,shop.example.net}', 'default_sender' => 'bounces@hosting.example']);
$log = mg_listen();
mg_mta_install();

function show(Socket $log, string $what, $r): void
{
	$args = mg_mail_args();
	$n = count(mg_mails());
	mg_mails_clear();
	$l = mg_log_read($log)[0]['fields'] ?? [];
	/* the MTA's arguments (sendmail_path itself has none) */
	$extra = array_values(array_filter(explode("\n", $args[0] ?? ''), 'strlen'));
	printf("%-34s %s, %d mail, argv+%s, log envelope=%s\n", $what, var_export($r, true), $n,
		json_encode($extra, JSON_UNESCAPED_SLASHES), $l['envelope'] ?? '-');
}

$m = fn(string $from) => mail('a@example.org', 's', 'm', "From: $from");
show($log, 'own domain', $m('shop@example.com'));
show($log, 'own domain, display name', $m('"Shop, Ltd" <info@shop.example.net>'));
show($log, 'own domain, upper case', $m('Sales@EXAMPLE.COM'));
show($log, 'subdomain not listed', $m('x@mail.example.com'));
show($log, 'foreign domain', $m('ceo@bank.example'));
show($log, 'no From', mail('a@example.org', 's', 'm'));
show($log, 'two From fields', mail('a@example.org', 's', 'm', "From: a@example.com\r\nFrom: b@example.com"));
show($log, 'two mailboxes', $m('a@example.com, b@example.com'));
/* hostile values inside an own domain: never copied, the default is used */
foreach (['a`id`@example.com', 'a$(id)@example.com', 'a;id@example.com', '-oQ/tmp/x@example.com',
		'"a b"@example.com', "'a'@example.com", 'a b@example.com', '<-oQ/tmp/x@example.com>',
		'a@example.com (comment)', '<@route:a@example.com>', 'a|id@example.com', 'a&id@example.com'] as $from) {
	show($log, json_encode($from, JSON_UNESCAPED_SLASHES), $m($from));
}
/* a newline in the From value cannot get past core and mailguard's header checks */
show($log, 'folded From with a comment', $m("x@example.com\r\n (c)"));
/* the script's own -f wins; the refused ones stay refused */
show($log, 'script gave -f', mail('a@example.org', 's', 'm', 'From: shop@example.com', '-fother@example.org'));
show($log, 'mb_send_mail', mb_send_mail('a@example.org', 's', 'm', 'From: shop@example.com'));
/* error_log() has no fifth argument: nothing is added */
show($log, 'error_log', error_log('x', 1, 'a@example.org', 'From: shop@example.com'));

/* no default sender: a foreign From gets no -f */
mg_sql("UPDATE mailguard.accounts SET default_sender = NULL WHERE name = 'db_envelope_sender'");
show($log, 'foreign domain, no default', $m('ceo@bank.example'));
show($log, 'own domain, no default', $m('shop@example.com'));

/* whatever the database answers, only a plain addr-spec reaches argv:
 * with the check dropped, a hostile default is stored but not used */
mg_sql("ALTER TABLE mailguard.accounts DROP CONSTRAINT accounts_default_sender_check;"
	. " UPDATE mailguard.accounts SET default_sender = 'a`id`@x.example' WHERE name = 'db_envelope_sender'");
show($log, 'hostile default in the database', $m('ceo@bank.example'));
mg_sql("UPDATE mailguard.accounts SET default_sender = NULL WHERE name = 'db_envelope_sender';"
	. " ALTER TABLE mailguard.accounts ADD CONSTRAINT accounts_default_sender_check"
	. " CHECK (default_sender IS NULL OR mailguard.valid_addr_spec(default_sender))");

$rows = mg_db_log('db_envelope_sender');
echo count($rows), " rows; envelope_sender column: ",
	implode(' ', array_map(fn($r) => $r['envelope_sender'] ?? '-', array_slice($rows, 0, 6))), " ...\n";
/* the constraint keeps hostile defaults out of the table */
foreach (['a b@x.example', '-oQ@x.example', 'a`id`@x.example', 'a@x.example; id'] as $bad) {
	try {
		mg_sql("UPDATE mailguard.accounts SET default_sender = " . mg_sql_quote($bad) . " WHERE name = 'db_envelope_sender'");
		echo json_encode($bad), ": STORED\n";
	} catch (RuntimeException $e) {
		echo json_encode($bad), ': ', str_contains($e->getMessage(), 'accounts_default_sender_check') ? 'rejected by the check' : $e->getMessage(), "\n";
	}
}
foreach (['Example.com', 'a..example', '-x.example', 'x.example; id'] as $bad) {
	try {
		mg_sql("UPDATE mailguard.accounts SET sender_domains = ARRAY[" . mg_sql_quote($bad) . "] WHERE name = 'db_envelope_sender'");
		echo json_encode($bad), ": STORED\n";
	} catch (RuntimeException $e) {
		echo json_encode($bad), ': ', str_contains($e->getMessage(), 'accounts_sender_domains_check') ? 'rejected by the check' : $e->getMessage(), "\n";
	}
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
own domain                         true, 1 mail, argv+["-fshop@example.com"], log envelope=shop@example.com
own domain, display name           true, 1 mail, argv+["-finfo@shop.example.net"], log envelope=info@shop.example.net
own domain, upper case             true, 1 mail, argv+["-fSales@EXAMPLE.COM"], log envelope=Sales@EXAMPLE.COM
subdomain not listed               true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
foreign domain                     true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
no From                            true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
two From fields                    true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
two mailboxes                      true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
"a`id`@example.com"                true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
"a$(id)@example.com"               true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
"a;id@example.com"                 true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
"-oQ/tmp/x@example.com"            true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
"\"a b\"@example.com"              true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
"'a'@example.com"                  true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
"a b@example.com"                  true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
"<-oQ/tmp/x@example.com>"          true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
"a@example.com (comment)"          true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
"<@route:a@example.com>"           true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
"a|id@example.com"                 true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
"a&id@example.com"                 true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
folded From with a comment         true, 1 mail, argv+["-fbounces@hosting.example"], log envelope=bounces@hosting.example
script gave -f                     true, 1 mail, argv+["-fother@example.org"], log envelope=-
mb_send_mail                       true, 1 mail, argv+["-fshop@example.com"], log envelope=shop@example.com
error_log                          true, 1 mail, argv+[], log envelope=-
foreign domain, no default         true, 1 mail, argv+[], log envelope=-
own domain, no default             true, 1 mail, argv+["-fshop@example.com"], log envelope=shop@example.com
hostile default in the database    true, 1 mail, argv+[], log envelope=-
27 rows; envelope_sender column: shop@example.com info@shop.example.net Sales@EXAMPLE.COM bounces@hosting.example bounces@hosting.example bounces@hosting.example ...
"a b@x.example": rejected by the check
"-oQ@x.example": rejected by the check
"a`id`@x.example": rejected by the check
"a@x.example; id": rejected by the check
"Example.com": rejected by the check
"a..example": rejected by the check
"-x.example": rejected by the check
"x.example; id": rejected by the check
