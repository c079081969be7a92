--TEST--
rcpts for the to-argument: lists, missing commas, quoted and unquoted commas in names, groups, empty elements
--EXTENSIONS--
sockets
--INI--
mailguard.syslog_socket={TMP}/mg-headers_rcpts_to_argument.sock
sendmail_path="/bin/sh {TMP}/mg-headers_rcpts_to_argument.mta"
--FILE--
<?php
require __DIR__ . '/../inc/helpers.inc';
$log = mg_listen();
mg_mta_install();

foreach ([
	'a@example.com',
	'a@example.com, b@example.org',
	'a@example.com,b@example.org,c@example.net',
	'a@example.com b@example.org',
	'<a@example.com> <b@example.org>',
	'John Smith',
	'"Doe, John" <j@example.com>',
	'Doe, John <j@example.com>',
	'"Doe\\", John" <j@example.com>',
	'(Doe, John) j@example.com',
	'undisclosed-recipients:;',
	'team: a@example.com, b@example.org;',
	'team: a@example.com, b@example.org;, c@example.net',
	'a@example.com,,b@example.org,',
	'a@[192.0.2.1], b@example.org',
] as $to) {
	printf("%-55s %s\n", $to, mg_logged($log, fn() => mail($to, 's', 'm'), ['rcpts']));
}
?>
--CLEAN--
<?php
require __DIR__ . '/../inc/helpers.inc';
mg_clean();
?>
--EXPECT--
a@example.com                                           rcpts=<1>
a@example.com, b@example.org                            rcpts=<2>
a@example.com,b@example.org,c@example.net               rcpts=<3>
a@example.com b@example.org                             rcpts=<2>
<a@example.com> <b@example.org>                         rcpts=<2>
John Smith                                              rcpts=<2>
"Doe, John" <j@example.com>                             rcpts=<1>
Doe, John <j@example.com>                               rcpts=<2>
"Doe\", John" <j@example.com>                           rcpts=<1>
(Doe, John) j@example.com                               rcpts=<1>
undisclosed-recipients:;                                rcpts=<0>
team: a@example.com, b@example.org;                     rcpts=<2>
team: a@example.com, b@example.org;, c@example.net      rcpts=<3>
a@example.com,,b@example.org,                           rcpts=<2>
a@[192.0.2.1], b@example.org                            rcpts=<2>
