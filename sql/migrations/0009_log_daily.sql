-- mailguard schema, version 9: a daily level of the log's roll-up.
--
-- Version 7's hourly roll-up holds, on a log of 10M rows over 3 months
-- and 10,000 accounts (bench/growth.sh), 0.8 rows per mail: most accounts
-- send less than a mail an hour, so an hour's group is mostly one mail.
-- Summing a week of it per account and day (the query of database.md)
-- read ~680k rows: 3 s. mailguard.log_daily holds, per UTC day, one row
-- per (account, verdict, reason class): ~1 row per account and day with
-- mail, ~70k for that week.
--
-- 1. Filled by mailguard.log_rollup() from mailguard.log_hourly, in the
--    same transaction as the hours it rolls up: every whole UTC day
--    before the watermark's day is in it, summed from the hourly rows.
--    Days that a call's hours touch are summed again (an hour rolled again
--    with p_from redoes its day), so the two levels always agree. Readers
--    take whole days before date_trunc('day', rolled_to, 'UTC') from it,
--    the hours from there to rolled_to from log_hourly, and the log after.
-- 2. Partitioned by month like the other two (log_daily_YYYY_MM, created
--    and dropped by log_rollup() with the hourly level's months).
-- 3. The owner's only, like log_hourly: no client or milter access.
-- 4. The upgrade fills it from the hourly level for the days already
--    rolled up (on the 10M-row log of performance.md: 17 s, against 93 s
--    for the hourly level's first fill).
-- 5. mailguard.log_per_day(p_days): mails per account and UTC day, the
--    last p_days days and today, from the three sources in one split.
--    A function rather than a query in the docs: the split's bounds come
--    from the state row, and as subqueries (InitPlans) the planner cannot
--    see them; it took the log's branch for a third of the log (3.4M rows
--    estimated for 300k read), and JIT-compiled the plan for ~1 s of a 2 s
--    query. Here the bounds are plpgsql variables: the plan is made with
--    their values. jit is off for it all the same (one aggregation over at
--    most a few hundred thousand rows).

CREATE TABLE mailguard.log_daily (
    day             date NOT NULL,            -- the UTC day
    account         text,
    verdict         text NOT NULL,
    reason_class    text,
    mails           bigint NOT NULL,
    rcpts           bigint,
    last            timestamptz NOT NULL      -- max(ts)
) PARTITION BY RANGE (day);
CREATE INDEX log_daily_day ON mailguard.log_daily (day);
CREATE INDEX log_daily_account_day ON mailguard.log_daily (account, day);
COMMENT ON TABLE mailguard.log_daily IS
    'mailguard.log_hourly summed per UTC day and (account, verdict, reason class), for whole days before the day of mailguard.log_rollup_state.rolled_to. Filled by mailguard.log_rollup().';

-- {{{ mailguard.log_rollup(): both levels
CREATE OR REPLACE FUNCTION mailguard.log_rollup(p_from timestamptz DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET TimeZone = 'UTC' AS $$
DECLARE
    v_to timestamptz;
    v_lag interval;
    v_start timestamptz;
    v_end timestamptz;
    v_oldest timestamptz;
    v_rows bigint;
    v_dfrom timestamptz;
    v_dto timestamptz;
    v_drows bigint := 0;
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
    -- in log_default) lose their roll-up partitions too (both levels).
    FOR r IN
        SELECT c.relname, to_date(right(c.relname, 7), 'YYYY_MM') AS month
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent IN ('mailguard.log_hourly'::regclass, 'mailguard.log_daily'::regclass)
           AND c.relname ~ '^log_(hourly|daily)_[0-9]{4}_[0-9]{2}$'
           AND to_regclass(format('mailguard.%I', 'log_' || right(c.relname, 7))) IS NULL
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

    -- a roll-up partition of each level for every month of the range
    FOR m IN SELECT generate_series(date_trunc('month', v_start), v_end - interval '1 hour', interval '1 month')::date LOOP
        FOREACH part IN ARRAY ARRAY['hourly', 'daily'] LOOP
            CONTINUE WHEN to_regclass(format('mailguard.log_%s_%s', part, to_char(m, 'YYYY_MM'))) IS NOT NULL;
            EXECUTE format('CREATE TABLE mailguard.%I PARTITION OF mailguard.%I FOR VALUES FROM (%L) TO (%L)',
                           format('log_%s_%s', part, to_char(m, 'YYYY_MM')), 'log_' || part,
                           m, (m + interval '1 month')::date);
        END LOOP;
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

    -- The daily level: every whole UTC day before the new watermark's day
    -- that this call's hours touched, summed again from the hourly level
    -- (a day finished by this call had its first hours rolled by earlier
    -- calls).
    v_dfrom := date_trunc('day', v_start);
    v_dto := date_trunc('day', greatest(v_to, v_end));
    IF v_dto > v_dfrom THEN
        DELETE FROM mailguard.log_daily d WHERE d.day >= v_dfrom::date AND d.day < v_dto::date;
        INSERT INTO mailguard.log_daily (day, account, verdict, reason_class, mails, rcpts, last)
        SELECT h.hour::date, h.account, h.verdict, h.reason_class, sum(h.mails), sum(h.rcpts), max(h.last)
          FROM mailguard.log_hourly h
         WHERE h.hour >= v_dfrom AND h.hour < v_dto
         GROUP BY 1, 2, 3, 4;
        GET DIAGNOSTICS v_drows = ROW_COUNT;
    END IF;

    UPDATE mailguard.log_rollup_state SET rolled_to = greatest(v_to, v_end), rolled_at = now();
    RETURN format('rolled up %s hours (%s to %s UTC): %s rows', extract(epoch FROM v_end - v_start)::bigint / 3600,
                  to_char(v_start, 'YYYY-MM-DD HH24:MI'), to_char(v_end, 'YYYY-MM-DD HH24:MI'), v_rows)
           || CASE WHEN v_dto > v_dfrom THEN format('; %s days: %s daily rows', extract(day FROM v_dto - v_dfrom), v_drows) ELSE '' END
           || v_dropped;
END
$$;
-- }}}

-- {{{ the days already rolled up
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT to_date(right(c.relname, 7), 'YYYY_MM') AS month
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'mailguard.log_hourly'::regclass
           AND c.relname ~ '^log_hourly_[0-9]{4}_[0-9]{2}$'
    LOOP
        EXECUTE format('CREATE TABLE mailguard.%I PARTITION OF mailguard.log_daily FOR VALUES FROM (%L) TO (%L)',
                       'log_daily_' || to_char(r.month, 'YYYY_MM'), r.month, (r.month + interval '1 month')::date);
    END LOOP;
    INSERT INTO mailguard.log_daily (day, account, verdict, reason_class, mails, rcpts, last)
    SELECT (h.hour AT TIME ZONE 'UTC')::date, h.account, h.verdict, h.reason_class, sum(h.mails), sum(h.rcpts), max(h.last)
      FROM mailguard.log_hourly h
     WHERE h.hour < (SELECT date_trunc('day', s.rolled_to, 'UTC') FROM mailguard.log_rollup_state s)
     GROUP BY 1, 2, 3, 4;
END
$$;
-- }}}
COMMENT ON FUNCTION mailguard.log_rollup(timestamptz) IS
    'Rolls the closed hours since the watermark (or since p_from) into mailguard.log_hourly, and their whole UTC days into mailguard.log_daily; the owner''s (admin''s) only.';

-- {{{ mailguard.log_per_day(): mails per account and UTC day
-- Whole days before the watermark's day from log_daily, that day's hours
-- before the watermark from log_hourly, the rest from the log. Runs as
-- its caller (the owner or a member of mailguard_owner: the tables are
-- theirs to read); it does not roll up (mailguard.log_rollup() first, or
-- the log is read from the watermark on), so that it also works on a
-- hot standby.
CREATE FUNCTION mailguard.log_per_day(p_days integer DEFAULT 7)
RETURNS TABLE (account text, day date, accepted bigint, refused bigint, rcpts bigint)
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp SET jit = off AS $$
DECLARE
    v_first date := (now() AT TIME ZONE 'UTC')::date - greatest(coalesce(p_days, 7), 0);
    v_to timestamptz;
    v_daily_to date;
BEGIN
    SELECT s.rolled_to INTO v_to FROM mailguard.log_rollup_state s;
    v_daily_to := (v_to AT TIME ZONE 'UTC')::date;     -- NULL: nothing rolled up, the log alone
    RETURN QUERY
    SELECT x.account, x.day,
           coalesce(sum(x.mails) FILTER (WHERE x.verdict = 'accept'), 0)::bigint,
           coalesce(sum(x.mails) FILTER (WHERE x.verdict = 'refuse'), 0)::bigint,
           (sum(x.rcpts) FILTER (WHERE x.verdict = 'accept'))::bigint
      FROM (SELECT d.day, d.account, d.verdict, d.mails, d.rcpts
              FROM mailguard.log_daily d
             WHERE d.day >= v_first AND d.day < v_daily_to
            UNION ALL
            SELECT (h.hour AT TIME ZONE 'UTC')::date, h.account, h.verdict, h.mails::bigint, h.rcpts
              FROM mailguard.log_hourly h
             WHERE h.hour >= greatest(v_first, v_daily_to)::timestamp AT TIME ZONE 'UTC' AND h.hour < v_to
            UNION ALL
            SELECT (l.ts AT TIME ZONE 'UTC')::date, l.account, l.verdict, 1::bigint, l.rcpts::bigint
              FROM mailguard.log l
             WHERE l.ts >= greatest(v_first::timestamp AT TIME ZONE 'UTC', v_to)) x
     GROUP BY x.account, x.day
     ORDER BY x.day, x.account;
END
$$;
REVOKE ALL ON FUNCTION mailguard.log_per_day(integer) FROM PUBLIC;
COMMENT ON FUNCTION mailguard.log_per_day(integer) IS
    'Mails per account and UTC day (accepted, refused, accepted recipients), the last p_days days and today, from the roll-up''s levels and the log since the watermark. Run mailguard.log_rollup() first.';
-- }}}
