-- mailguard schema, version 7: an hourly roll-up of the log for the
-- operator's aggregations (`mailguard top`, `mailguard report`, the
-- per-account-and-day query of database.md).
--
-- On a log of 10M rows (3 months, 10,000 accounts; bench/growth.sh) those
-- aggregations read every log row of their window, ~460 bytes of heap per
-- row to use ~60 of them: 2-3 s for 24 h or 7 days, 17 s for the report.
-- mailguard.log_hourly holds, per UTC hour, one row per (account, script,
-- entry, vhost, verdict, reason class) with the number of mails, their
-- recipients and the newest ts: what those queries group by and sum.
--
-- 1. Filled lazily, by mailguard.log_rollup(), from whole closed hours:
--    an hour is rolled up once now() is past its end plus the lag of
--    mailguard.log_rollup_state (5 minutes). A log row's ts is its
--    transaction's start (now() in mailguard.mail()), so a row stamped
--    in an hour commits after the hour ends only if its transaction was
--    open at the end; the policy call is one statement (milliseconds, a
--    deadline of timeout_ms). A transaction held open longer than the lag
--    past the end of its hour commits rows the roll-up has passed: they
--    stay in the log (mailguard log, trace) and are missing from the
--    roll-up until it is rolled again from that hour
--    (mailguard.log_rollup(p_from => HOUR)). The watermark, rolled_to, is
--    the end of the last hour rolled up: readers take whole hours before
--    it from the roll-up and read the log from there on.
-- 2. No trigger on the log and nothing in mailguard.decide(): the policy
--    call does no extra work. The admin command runs log_rollup() before
--    it reads (cheap when up to date: the hours since the last call), and
--    so does `mailguard retention` (the maintenance cron).
-- 3. Partitioned by month like the log (log_hourly_YYYY_MM, created by
--    log_rollup() as it reaches a month); a month's roll-up partition is
--    dropped by log_rollup() once that month's log partition is gone
--    (retention) and no row of it is left in log_default.
-- 4. Only the owner (and so the admin: a superuser or a member of
--    mailguard_owner) may execute log_rollup() or read the tables; client
--    and milter roles get nothing.
-- The first call after the upgrade rolls up the whole log (the watermark
-- starts NULL: nothing rolled up); on 10M rows that is what
-- docs/performance.md ("Growth") measured.

CREATE TABLE mailguard.log_hourly (
    hour            timestamptz NOT NULL,     -- start of the UTC hour
    account         text,
    script          text,
    entry           text,
    vhost           text,
    verdict         text NOT NULL,
    reason_class    text,                     -- split_part(reason, ':', 1)
    mails           integer NOT NULL,
    rcpts           bigint,                   -- sum(rcpts)
    last            timestamptz NOT NULL      -- max(ts)
) PARTITION BY RANGE (hour);
CREATE INDEX log_hourly_hour ON mailguard.log_hourly (hour);
CREATE INDEX log_hourly_account_hour ON mailguard.log_hourly (account, hour);
COMMENT ON TABLE mailguard.log_hourly IS
    'The log summed per UTC hour and (account, script, entry, vhost, verdict, reason class), for whole hours before mailguard.log_rollup_state.rolled_to. Filled by mailguard.log_rollup().';

CREATE TABLE mailguard.log_rollup_state (
    one             boolean PRIMARY KEY DEFAULT true CHECK (one),
    rolled_to       timestamptz,              -- hours before it are in log_hourly; NULL: none yet
    lag             interval NOT NULL DEFAULT '5 minutes' CHECK (lag >= '0'),
    rolled_at       timestamptz               -- when log_rollup() last rolled hours up
);
INSERT INTO mailguard.log_rollup_state DEFAULT VALUES;
COMMENT ON TABLE mailguard.log_rollup_state IS
    'One row: the roll-up''s watermark (rolled_to) and the lag after an hour''s end before it is rolled up.';

-- Rolls up the closed hours since the watermark (or since p_from's hour,
-- if earlier: those hours are rolled again, replacing their rows) up to
-- the last hour that ended at least `lag` ago. Returns one line of what
-- it did. Concurrent calls do not wait: the one that finds the state row
-- locked returns at once ("busy"), and its caller reads the log from the
-- committed watermark.
CREATE FUNCTION mailguard.log_rollup(p_from timestamptz DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET TimeZone = 'UTC' AS $$
DECLARE
    v_to timestamptz;
    v_lag interval;
    v_start timestamptz;
    v_end timestamptz;
    v_oldest timestamptz;
    v_rows bigint;
    m date;
    part text;
    r record;
    v_dropped text := '';
BEGIN
    SELECT s.rolled_to, s.lag INTO v_to, v_lag FROM mailguard.log_rollup_state s FOR UPDATE SKIP LOCKED;
    IF NOT FOUND THEN
        RETURN 'busy: another session is rolling up';
    END IF;

    -- Months whose log partition retention dropped (and with no row left
    -- in log_default) lose their roll-up partition too.
    FOR r IN
        SELECT c.relname, to_date(substr(c.relname, 12), 'YYYY_MM') AS month
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'mailguard.log_hourly'::regclass
           AND c.relname ~ '^log_hourly_[0-9]{4}_[0-9]{2}$'
           AND to_regclass(format('mailguard.%I', 'log_' || substr(c.relname, 12))) IS NULL
         ORDER BY 1
    LOOP
        CONTINUE WHEN EXISTS (SELECT FROM mailguard.log_default d
                               WHERE d.ts >= r.month AND d.ts < r.month + interval '1 month');
        EXECUTE format('DROP TABLE mailguard.%I', r.relname);
        v_dropped := v_dropped || ', dropped ' || r.relname;
    END LOOP;

    v_end := date_trunc('hour', now() - v_lag);
    SELECT date_trunc('hour', min(l.ts)) INTO v_oldest FROM mailguard.log l;
    v_start := CASE WHEN p_from IS NULL THEN coalesce(v_to, v_oldest)
                    ELSE least(coalesce(v_to, v_oldest), date_trunc('hour', p_from)) END;
    -- nothing is rolled up before the oldest row (or at all on an empty log)
    v_start := greatest(v_start, coalesce(v_oldest, v_end));
    IF v_start >= v_end THEN
        -- (an empty log keeps a NULL watermark: readers read it whole)
        RETURN 'up to date: rolled up to ' || coalesce(to_char(v_to, 'YYYY-MM-DD HH24:MI') || ' UTC', 'nothing yet (no closed hour with mail)')
               || v_dropped;
    END IF;

    -- a roll-up partition for every month of the range
    FOR m IN SELECT generate_series(date_trunc('month', v_start), v_end - interval '1 hour', interval '1 month')::date LOOP
        part := format('log_hourly_%s', to_char(m, 'YYYY_MM'));
        CONTINUE WHEN to_regclass(format('mailguard.%I', part)) IS NOT NULL;
        EXECUTE format('CREATE TABLE mailguard.%I PARTITION OF mailguard.log_hourly FOR VALUES FROM (%L) TO (%L)',
                       part, m, (m + interval '1 month')::date);
    END LOOP;

    -- hours rolled again (p_from) are replaced, not added to
    DELETE FROM mailguard.log_hourly h WHERE h.hour >= v_start AND h.hour < v_end;
    INSERT INTO mailguard.log_hourly (hour, account, script, entry, vhost, verdict, reason_class, mails, rcpts, last)
    SELECT date_trunc('hour', l.ts), l.account, l.script, l.entry, l.vhost, l.verdict, split_part(l.reason, ':', 1),
           count(*), sum(l.rcpts), max(l.ts)
      FROM mailguard.log l
     WHERE l.ts >= v_start AND l.ts < v_end
     GROUP BY 1, 2, 3, 4, 5, 6, 7;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    UPDATE mailguard.log_rollup_state SET rolled_to = greatest(v_to, v_end), rolled_at = now();
    RETURN format('rolled up %s hours (%s to %s UTC): %s rows', extract(epoch FROM v_end - v_start)::bigint / 3600,
                  to_char(v_start, 'YYYY-MM-DD HH24:MI'), to_char(v_end, 'YYYY-MM-DD HH24:MI'), v_rows) || v_dropped;
END
$$;
REVOKE ALL ON FUNCTION mailguard.log_rollup(timestamptz) FROM PUBLIC;
COMMENT ON FUNCTION mailguard.log_rollup(timestamptz) IS
    'Rolls the closed hours since the watermark (or since p_from) into mailguard.log_hourly; the owner''s (admin''s) only.';
