dnl config.m4 for extension mailguard

PHP_ARG_WITH([mailguard],
  [for mailguard support],
  [AS_HELP_STRING([[--with-mailguard[=DIR]]],
    [Include mailguard support. DIR is the libpq install prefix (default: pkg-config, then pg_config)])])

PHP_ARG_ENABLE([mailguard-dev],
  [whether to build mailguard with developer warnings as errors],
  [AS_HELP_STRING([--enable-mailguard-dev],
    [mailguard: compile with -Wall -Wextra -Werror and friends (developers, CI)])],
  [no],
  [no])

if test "$PHP_MAILGUARD" != "no"; then
  dnl PHP 8.2 only: the hooks (hook.c) parse the arguments of mail(),
  dnl mb_send_mail(), error_log() and imap_mail() as PHP 8.2 does, so on
  dnl another version they would build and then disagree with the functions
  dnl they stand in for. phpize gives PHP_CONFIG; an in-tree build of php-src
  dnl gives PHP_VERSION_ID.
  AC_MSG_CHECKING([whether this is PHP 8.2])
  if test -n "$PHP_CONFIG"; then
    MAILGUARD_PHP_VERNUM=`$PHP_CONFIG --vernum 2>/dev/null`
    MAILGUARD_PHP_VERSION=`$PHP_CONFIG --version 2>/dev/null`
  else
    MAILGUARD_PHP_VERNUM="$PHP_VERSION_ID"
    MAILGUARD_PHP_VERSION="$PHP_VERSION"
  fi
  case "$MAILGUARD_PHP_VERNUM" in
    802[[0-9]][[0-9]])
      AC_MSG_RESULT([yes, $MAILGUARD_PHP_VERSION])
      ;;
    *)
      AC_MSG_RESULT([no])
      AC_MSG_ERROR([mailguard supports PHP 8.2 only, this is PHP ${MAILGUARD_PHP_VERSION:-(unknown)} (PHP_VERSION_ID ${MAILGUARD_PHP_VERNUM:-unknown}): its hooks mirror PHP 8.2's argument parsing of mail(), mb_send_mail(), error_log() and imap_mail(). Build with PHP 8.2's phpize and --with-php-config=/path/to/php-config8.2.])
      ;;
  esac

  dnl libpq, found the way ext/pgsql finds it: an explicit DIR wins, then
  dnl pkg-config, then pg_config on PATH.
  MAILGUARD_PQ_CFLAGS=""
  MAILGUARD_PQ_LIBS=""
  if test "$PHP_MAILGUARD" != "yes"; then
    if test -r "$PHP_MAILGUARD/include/libpq-fe.h"; then
      MAILGUARD_PQ_CFLAGS="-I$PHP_MAILGUARD/include"
    elif test -r "$PHP_MAILGUARD/include/postgresql/libpq-fe.h"; then
      MAILGUARD_PQ_CFLAGS="-I$PHP_MAILGUARD/include/postgresql"
    else
      AC_MSG_ERROR([libpq-fe.h not found under $PHP_MAILGUARD/include])
    fi
    MAILGUARD_PQ_LIBDIR="$PHP_MAILGUARD/$PHP_LIBDIR"
    test -d "$MAILGUARD_PQ_LIBDIR" || MAILGUARD_PQ_LIBDIR="$PHP_MAILGUARD/lib"
    MAILGUARD_PQ_LIBS="-L$MAILGUARD_PQ_LIBDIR -lpq"
  else
    PKG_CHECK_MODULES([MAILGUARD_PQ], [libpq >= 10], [
      MAILGUARD_PQ_CFLAGS="$MAILGUARD_PQ_CFLAGS"
      MAILGUARD_PQ_LIBS="$MAILGUARD_PQ_LIBS"
    ], [
      AC_PATH_PROG([MAILGUARD_PG_CONFIG], [pg_config], [no])
      if test "$MAILGUARD_PG_CONFIG" = "no"; then
        AC_MSG_ERROR([libpq not found: install libpq-dev or pass --with-mailguard=DIR])
      fi
      MAILGUARD_PQ_CFLAGS="-I`$MAILGUARD_PG_CONFIG --includedir`"
      MAILGUARD_PQ_LIBS="-L`$MAILGUARD_PG_CONFIG --libdir` -lpq"
    ])
  fi

  PHP_EVAL_INCLINE([$MAILGUARD_PQ_CFLAGS])
  dnl The module is not linked with libpq: ext/mailguard/pq.c loads it on
  dnl the first mail that asks the database (libpq brings some twenty
  dnl libraries into every process that maps it). It is loaded by the
  dnl absolute path of the library found here.
  MAILGUARD_PQ_SO=""
  for mailguard_d in `echo "$MAILGUARD_PQ_LIBS" | tr ' ' '\n' | sed -n 's/^-L//p'` /usr/lib/*-linux-gnu /usr/lib64 /usr/lib; do
    if test -r "$mailguard_d/libpq.so.5"; then
      MAILGUARD_PQ_SO="$mailguard_d/libpq.so.5"
      break
    fi
  done
  if test -z "$MAILGUARD_PQ_SO"; then
    AC_MSG_ERROR([libpq.so.5 not found next to the libpq that was found ($MAILGUARD_PQ_LIBS)])
  fi
  AC_MSG_CHECKING([for the libpq that mailguard loads on first use])
  AC_MSG_RESULT([$MAILGUARD_PQ_SO])
  AC_DEFINE_UNQUOTED([MG_LIBPQ_PATH], ["$MAILGUARD_PQ_SO"], [libpq, loaded on the first mail that asks the database])

  old_CFLAGS="$CFLAGS"
  old_LIBS="$LIBS"
  CFLAGS="$CFLAGS $MAILGUARD_PQ_CFLAGS"
  LIBS="$LIBS $MAILGUARD_PQ_LIBS"
  AC_CHECK_HEADER([libpq-fe.h], [], [AC_MSG_ERROR([libpq-fe.h not usable])])
  AC_CHECK_FUNC([PQconnectStartParams], [], [AC_MSG_ERROR([libpq is too old: PQconnectStartParams missing])])
  CFLAGS="$old_CFLAGS"
  LIBS="$old_LIBS"

  dnl re2c is optional: the generated scanner.c is committed. When re2c is
  dnl present, Makefile.frag regenerates it from scanner.re.
  AC_CHECK_PROG([MAILGUARD_RE2C], [re2c], [re2c], [])
  PHP_SUBST([MAILGUARD_RE2C])

  MAILGUARD_CFLAGS="-DZEND_ENABLE_STATIC_TSRMLS_CACHE=1"
  if test "$PHP_MAILGUARD_DEV" != "no"; then
    MAILGUARD_CFLAGS="$MAILGUARD_CFLAGS -Wall -Wextra -Werror -Wformat=2 -Wpointer-arith -Wstrict-prototypes -Wvla -Wimplicit-fallthrough -Wno-unused-parameter -Wno-missing-field-initializers -Wno-sign-compare"
  fi

  PHP_NEW_EXTENSION([mailguard], m4_normalize([
      ext/mailguard/mailguard.c
      ext/mailguard/hook.c
      ext/mailguard/policy.c
      ext/mailguard/report.c
      ext/mailguard/origin.c
      ext/mailguard/headers.c
      ext/mailguard/scanner.c
      ext/mailguard/log.c
      ext/mailguard/log_writer.c
      ext/mailguard/store.c
      ext/mailguard/pq.c
      ext/mailguard/deadline.c
      ext/mailguard/params.c
      ext/mailguard/mime.c
      ext/mailguard/utf8.c
    ]), [$ext_shared], [], [$MAILGUARD_CFLAGS])
  PHP_ADD_BUILD_DIR([$ext_builddir/ext/mailguard])
  PHP_ADD_INCLUDE([$ext_srcdir/ext/mailguard])
  PHP_ADD_EXTENSION_DEP([mailguard], [standard])
  PHP_SUBST([MAILGUARD_SHARED_LIBADD])
  PHP_ADD_MAKEFILE_FRAGMENT
fi
