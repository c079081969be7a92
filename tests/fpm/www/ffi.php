<?php
/* The unsafe socket layout: after a FastCGI PHP_ADMIN_VALUE of
 * ffi.enable=1 from the pool's own user, FFI works in this worker (and
 * could read its memory or call php_mail() directly). */
require __DIR__ . '/common.inc';
$r = ['pid' => getmypid(), 'ffi.enable' => ini_get('ffi.enable'), 'ffi' => false];
try {
	$libc = FFI::cdef('int getpid(void);');
	$r['ffi'] = $libc->getpid() === getmypid();
} catch (Throwable $e) {
	$r['error'] = get_class($e) . ': ' . $e->getMessage();
}
mgf_out($r);
