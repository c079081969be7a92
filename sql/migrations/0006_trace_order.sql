-- mailguard schema, version 6: time-ordered trace ids; the slow path's
-- lock_timeout clamped; no CHECK constraints on the log.
--
-- 1. Trace ids are time-ordered (UUID version 7 layout: 48 bits of Unix
--    milliseconds, then 74 random bits from gen_random_uuid()): each
--    partition's log_trace index grows at its right edge instead of at a
--    random leaf, which kept a growing log's index pages out of the
--    buffer cache (bench/growth.sh). mailguard.new_trace().
-- 2. The slow path's lock_timeout is clamped to what the setting accepts:
--    a caller whose deadline is more than ~49 days ahead (half of it is
--    over INT_MAX ms) without a statement_timeout got "invalid value for
--    parameter lock_timeout" instead of a wait.
-- 3. The log's three CHECK constraints (verdict, outcome, via) are
--    dropped: PostgreSQL 15 reads a CHECK's stored expression tree back
--    from its text form for every INSERT statement, a third of the log
--    INSERT's cost (callgrind: ~84k of ~250k instructions per prepared
--    INSERT, ~96k of a policy call). Only mailguard's own SECURITY
--    DEFINER functions write those columns, with literals and a checked
--    p_outcome; client roles cannot write the log.
-- Otherwise mailguard.decide() is version 5's. The signature is unchanged
-- (CREATE OR REPLACE keeps its privileges); mailguard.mail() and
-- milter_mail() are unchanged. (Tried and not kept: the accepted case as
-- one statement with data-modifying CTEs. It executed more instructions
-- per call than the three statements it replaced: docs/performance.md.)

-- {{{ mailguard.new_trace(): a time-ordered random UUID
-- Bytes 0-5: Unix time in ms, big-endian; byte 6: version 7 and 4 random
-- bits; the rest (variant bits included) from gen_random_uuid().
-- No SET clause, so that the planner inlines it into decide()'s
-- expression; it is not SECURITY DEFINER and names only pg_catalog
-- functions, which come first in any search_path that does not list
-- pg_catalog explicitly later (decide() pins pg_catalog, pg_temp).
CREATE FUNCTION mailguard.new_trace()
RETURNS uuid
LANGUAGE sql VOLATILE
AS $$
    SELECT encode(set_byte(overlay(uuid_send(gen_random_uuid())
                                   PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                                   FROM 1 FOR 6),
                           6, 112 + get_byte(uuid_send(gen_random_uuid()), 7) % 16),
                  'hex')::uuid
$$;
REVOKE ALL ON FUNCTION mailguard.new_trace() FROM PUBLIC;
-- }}}

-- {{{ mailguard.decide(): count and log one mail for account p_name
-- p_reason (with p_detail) is a refusal the caller already decided on
-- (identity); it is logged as such. Runs as its caller: one of the
-- SECURITY DEFINER functions, i.e. the owner.
CREATE OR REPLACE FUNCTION mailguard.decide(
    p_name      text,
    p_reason    text,
    p_detail    text,
    p_rcpts     integer,
    p_deadline  timestamptz,
    p_via       text,
    p_queue_id  text,
    p_fn        text,
    p_uid       integer,
    p_owner     integer,
    p_script    text,
    p_line      integer,
    p_entry     text,
    p_vhost     text,
    p_client    text,
    p_host      text,
    p_pid       integer,
    p_sapi      text,
    p_from      text,
    p_to        text,
    p_cc        text,
    p_bcc       text,
    p_subject   text,
    OUT verdict         text,
    OUT reason          text,
    OUT detail          text,
    OUT trace           uuid,
    OUT msgs_hour_left  integer,
    OUT msgs_day_left   integer,
    OUT rcpts_hour_left integer,
    OUT rcpts_day_left  integer)
RETURNS record
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_acct      mailguard.accounts%ROWTYPE;
    v_set       mailguard.settings%ROWTYPE;
    v_c         mailguard.counters%ROWTYPE;
    v_rcpts     integer := greatest(coalesce(p_rcpts, 0), 0);
    v_hour      timestamptz;
    v_day       timestamptz;
    v_hm        integer;
    v_hr        integer;
    v_dm        integer;
    v_dr        integer;
    v_window    text;
    v_try       integer;
    v_created   boolean := false;   -- this call auto-created the account
    v_lock      text;
    v_waited    boolean;
    v_lock_ms   bigint;
    v_stmt_ms   bigint;
    v_decided   text;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'mailguard: the policy function needs READ COMMITTED, this transaction is %',
            upper(current_setting('transaction_isolation'))
            USING ERRCODE = 'invalid_transaction_state',
                  HINT = 'Do not set default_transaction_isolation for the client roles.';
    END IF;
    trace := mailguard.new_trace();
    verdict := 'refuse';
    reason := p_reason;
    detail := p_detail;

    -- {{{ the deadline, before anything is looked up
    -- (AND stops at the first false, not at a NULL: test p_deadline first)
    IF p_deadline IS NOT NULL AND reason IS NULL AND clock_timestamp() > p_deadline
            AND clock_timestamp() > mailguard.late_at(p_deadline) THEN
        reason := 'late';
        detail := format('%s ms after the deadline',
                         round(extract(epoch FROM clock_timestamp() - p_deadline) * 1000));
    END IF;
    -- }}}

    IF reason IS NULL THEN
        SELECT * INTO v_acct FROM mailguard.accounts a WHERE a.name = p_name;
        IF NOT FOUND THEN
            SELECT * INTO v_set FROM mailguard.settings;
            IF v_set.unknown_account = 'default' THEN
                INSERT INTO mailguard.accounts (name, msgs_hour, msgs_day, rcpts_hour, rcpts_day,
                        rcpts_per_msg, tz, auto_created)
                VALUES (p_name, v_set.msgs_hour, v_set.msgs_day, v_set.rcpts_hour, v_set.rcpts_day,
                        v_set.rcpts_per_msg, v_set.tz, true)
                ON CONFLICT (name) DO NOTHING
                RETURNING true INTO v_created;
                v_created := coalesce(v_created, false);
                SELECT * INTO v_acct FROM mailguard.accounts a WHERE a.name = p_name;
            END IF;
            IF v_acct.name IS NULL THEN
                reason := 'unknown-account';
            END IF;
        END IF;
    END IF;

    IF reason IS NULL AND v_acct.blocked THEN
        reason := 'blocked';
        detail := v_acct.blocked_reason;
    ELSIF reason IS NULL AND v_acct.rcpts_per_msg IS NOT NULL AND v_rcpts > v_acct.rcpts_per_msg THEN
        reason := 'too-many-recipients';
        detail := format('%s > %s', v_rcpts, v_acct.rcpts_per_msg);
    END IF;

    -- {{{ count: one UPDATE of the counter row
    IF reason IS NULL THEN
        v_hour := date_trunc('hour', now(), v_acct.tz);
        v_day := date_trunc('day', now(), v_acct.tz);
        FOR v_try IN 1..4 LOOP
            -- The subquery locks the row unless another transaction holds
            -- it (then it yields NULL and nothing is updated): this
            -- statement never waits. Under READ COMMITTED the UPDATE
            -- re-checks its WHERE against the newest row version, so
            -- concurrent mails never push a counter past its limit.
            -- A window that started at or after ours (another caller's
            -- clock was later) is the current one: count into it.
            UPDATE mailguard.counters c SET
                hour_start = greatest(c.hour_start, v_hour),
                hour_msgs  = CASE WHEN c.hour_start >= v_hour THEN c.hour_msgs ELSE 0 END + 1,
                hour_rcpts = CASE WHEN c.hour_start >= v_hour THEN c.hour_rcpts ELSE 0 END + v_rcpts,
                day_start  = greatest(c.day_start, v_day),
                day_msgs   = CASE WHEN c.day_start >= v_day THEN c.day_msgs ELSE 0 END + 1,
                day_rcpts  = CASE WHEN c.day_start >= v_day THEN c.day_rcpts ELSE 0 END + v_rcpts
             WHERE c.account = (SELECT l.account FROM mailguard.counters l
                                 WHERE l.account = p_name FOR UPDATE SKIP LOCKED)
               AND (v_acct.msgs_hour IS NULL
                    OR CASE WHEN c.hour_start >= v_hour THEN c.hour_msgs ELSE 0 END + 1 <= v_acct.msgs_hour)
               AND (v_acct.rcpts_hour IS NULL
                    OR CASE WHEN c.hour_start >= v_hour THEN c.hour_rcpts ELSE 0 END + v_rcpts <= v_acct.rcpts_hour)
               AND (v_acct.msgs_day IS NULL
                    OR CASE WHEN c.day_start >= v_day THEN c.day_msgs ELSE 0 END + 1 <= v_acct.msgs_day)
               AND (v_acct.rcpts_day IS NULL
                    OR CASE WHEN c.day_start >= v_day THEN c.day_rcpts ELSE 0 END + v_rcpts <= v_acct.rcpts_day)
            RETURNING c.* INTO v_c;
            IF FOUND THEN
                verdict := 'accept';    -- v_c: the counted row
                EXIT;
            END IF;
            -- Not counted: over a limit (we hold the lock: the row read
            -- here is the newest), another transaction holds the row, or
            -- there is no row.
            SELECT * INTO v_c FROM mailguard.counters c WHERE c.account = p_name FOR UPDATE SKIP LOCKED;
            IF NOT FOUND THEN
                PERFORM FROM mailguard.counters c WHERE c.account = p_name;
                IF NOT FOUND THEN
                    -- an account row older than its trigger: give it counters
                    INSERT INTO mailguard.counters (account) VALUES (p_name) ON CONFLICT DO NOTHING;
                    CONTINUE;
                END IF;
                -- {{{ slow path: another transaction holds the row
                -- Someone who can log in as the client role could open a
                -- transaction, count a mail and sit on the lock: wait for
                -- it at most half of the time left to the caller's
                -- deadline (2 s without one; at most half of a session
                -- statement_timeout), then refuse as busy: only that
                -- account's own mail suffers, and the answer comes while
                -- the caller still waits for it.
                v_lock_ms := 2000;
                IF p_deadline IS NOT NULL THEN
                    v_lock_ms := floor(extract(epoch FROM p_deadline - clock_timestamp()) * 500)::bigint;
                END IF;
                -- what lock_timeout accepts (a deadline ~49 days ahead)
                v_lock_ms := least(v_lock_ms, 2147483647);
                v_stmt_ms := extract(epoch FROM current_setting('statement_timeout')::interval) * 1000;
                IF v_stmt_ms > 0 THEN
                    v_lock_ms := least(v_lock_ms, v_stmt_ms / 2);
                END IF;
                v_lock := current_setting('lock_timeout');
                PERFORM set_config('lock_timeout', greatest(v_lock_ms, 1) || 'ms', true);
                -- The counting UPDATE itself waits here (the same
                -- statement as above without SKIP LOCKED): a row lock
                -- taken in this subtransaction and the update made by the
                -- function's own transaction would need a MultiXact per
                -- mail, and a second row version, several times slower
                -- on a hot account (bench/policy.sh).
                BEGIN
                    UPDATE mailguard.counters c SET
                        hour_start = greatest(c.hour_start, v_hour),
                        hour_msgs  = CASE WHEN c.hour_start >= v_hour THEN c.hour_msgs ELSE 0 END + 1,
                        hour_rcpts = CASE WHEN c.hour_start >= v_hour THEN c.hour_rcpts ELSE 0 END + v_rcpts,
                        day_start  = greatest(c.day_start, v_day),
                        day_msgs   = CASE WHEN c.day_start >= v_day THEN c.day_msgs ELSE 0 END + 1,
                        day_rcpts  = CASE WHEN c.day_start >= v_day THEN c.day_rcpts ELSE 0 END + v_rcpts
                     WHERE c.account = p_name
                       AND (v_acct.msgs_hour IS NULL
                            OR CASE WHEN c.hour_start >= v_hour THEN c.hour_msgs ELSE 0 END + 1 <= v_acct.msgs_hour)
                       AND (v_acct.rcpts_hour IS NULL
                            OR CASE WHEN c.hour_start >= v_hour THEN c.hour_rcpts ELSE 0 END + v_rcpts <= v_acct.rcpts_hour)
                       AND (v_acct.msgs_day IS NULL
                            OR CASE WHEN c.day_start >= v_day THEN c.day_msgs ELSE 0 END + 1 <= v_acct.msgs_day)
                       AND (v_acct.rcpts_day IS NULL
                            OR CASE WHEN c.day_start >= v_day THEN c.day_rcpts ELSE 0 END + v_rcpts <= v_acct.rcpts_day)
                    RETURNING c.* INTO v_c;
                    v_waited := FOUND;
                EXCEPTION WHEN lock_not_available THEN
                    reason := 'busy';
                    detail := 'counter row locked by another session';
                END;
                PERFORM set_config('lock_timeout', v_lock, true);
                IF reason IS NOT NULL THEN
                    EXIT;
                END IF;
                IF v_waited THEN
                    verdict := 'accept';    -- v_c: the counted row
                    EXIT;
                END IF;
                -- over a limit: the row as the waited-for transaction left it
                SELECT * INTO v_c FROM mailguard.counters c WHERE c.account = p_name;
                -- }}}
            END IF;
            -- Which limit: from the row as it is now (for the report only;
            -- the decision was the UPDATE's).
            v_hm := CASE WHEN v_c.hour_start >= v_hour THEN v_c.hour_msgs ELSE 0 END;
            v_hr := CASE WHEN v_c.hour_start >= v_hour THEN v_c.hour_rcpts ELSE 0 END;
            v_dm := CASE WHEN v_c.day_start >= v_day THEN v_c.day_msgs ELSE 0 END;
            v_dr := CASE WHEN v_c.day_start >= v_day THEN v_c.day_rcpts ELSE 0 END;
            reason := 'over-quota';
            IF v_hm + 1 > v_acct.msgs_hour THEN
                detail := 'hour-messages'; v_window := 'hour';
            ELSIF v_hr + v_rcpts > v_acct.rcpts_hour THEN
                detail := 'hour-recipients'; v_window := 'hour';
            ELSIF v_dm + 1 > v_acct.msgs_day THEN
                detail := 'day-messages'; v_window := 'day';
            ELSIF v_dr + v_rcpts > v_acct.rcpts_day THEN
                detail := 'day-recipients'; v_window := 'day';
            ELSE
                -- the row moved on between the UPDATE and this read
                -- (a window rolled over, a limit was raised): try again
                reason := NULL;
                CONTINUE;
            END IF;
            -- NULL (no limit) stays NULL: greatest() would make it 0
            msgs_hour_left  := CASE WHEN v_acct.msgs_hour IS NOT NULL THEN greatest(v_acct.msgs_hour - v_hm, 0) END;
            rcpts_hour_left := CASE WHEN v_acct.rcpts_hour IS NOT NULL THEN greatest(v_acct.rcpts_hour - v_hr, 0) END;
            msgs_day_left   := CASE WHEN v_acct.msgs_day IS NOT NULL THEN greatest(v_acct.msgs_day - v_dm, 0) END;
            rcpts_day_left  := CASE WHEN v_acct.rcpts_day IS NOT NULL THEN greatest(v_acct.rcpts_day - v_dr, 0) END;
            EXIT;
        END LOOP;
        IF verdict = 'accept' THEN
            msgs_hour_left  := v_acct.msgs_hour - v_c.hour_msgs;
            rcpts_hour_left := v_acct.rcpts_hour - v_c.hour_rcpts;
            msgs_day_left   := v_acct.msgs_day - v_c.day_msgs;
            rcpts_day_left  := v_acct.rcpts_day - v_c.day_rcpts;
        END IF;
        IF verdict <> 'accept' AND reason IS NULL THEN
            reason := 'over-quota';
            detail := 'contended';
        END IF;
    END IF;
    -- }}}

    INSERT INTO mailguard.log (trace, account, fn, uid, owner_uid, script, line, entry, vhost,
            client_ip, sender_host, pid, sapi, mail_from, mail_to, mail_cc, mail_bcc, subject,
            via, queue_id, rcpts, verdict, reason, outcome)
    VALUES (trace, p_name, p_fn, p_uid, p_owner, p_script, p_line, p_entry, p_vhost,
            p_client, p_host, p_pid, p_sapi, p_from, p_to, p_cc, p_bcc, p_subject,
            p_via, p_queue_id,
            v_rcpts, verdict, CASE WHEN reason IS NULL THEN NULL WHEN detail IS NULL THEN reason
                                  ELSE reason || ':' || detail END,
            -- sent: the extension reports only a failure; the milter's
            -- accept is the MTA taking the mail
            CASE WHEN verdict = 'accept' THEN 'sent' END);

    -- {{{ the deadline, last: after the counter, the log row and any wait
    -- (identity refusals keep their reason: they say more than "late").
    -- Late: undo what this call did; the row lock is still ours, so the
    -- count taken back is exact.
    IF p_deadline IS NOT NULL AND clock_timestamp() > p_deadline
            AND clock_timestamp() > mailguard.late_at(p_deadline)
            AND reason IS DISTINCT FROM 'late'
            AND reason IS DISTINCT FROM 'no-account' AND reason IS DISTINCT FROM 'identity-mismatch' THEN
        v_decided := coalesce(reason, verdict);
        IF v_created THEN
            DELETE FROM mailguard.accounts a WHERE a.name = p_name;     -- and its counters
        ELSIF verdict = 'accept' THEN
            UPDATE mailguard.counters c SET
                hour_msgs = c.hour_msgs - 1, hour_rcpts = c.hour_rcpts - v_rcpts,
                day_msgs = c.day_msgs - 1, day_rcpts = c.day_rcpts - v_rcpts
             WHERE c.account = p_name;
        END IF;
        verdict := 'refuse';
        reason := 'late';
        detail := format('%s ms after the deadline (decided: %s)',
                         round(extract(epoch FROM clock_timestamp() - p_deadline) * 1000), v_decided);
        msgs_hour_left := NULL;
        msgs_day_left := NULL;
        rcpts_hour_left := NULL;
        rcpts_day_left := NULL;
        UPDATE mailguard.log l SET verdict = 'refuse', reason = 'late:' || detail, outcome = NULL
         WHERE l.trace = decide.trace AND l.ts = now();
        RETURN;
    END IF;
    -- }}}

    -- {{{ the first refusal of a window is announced once
    -- (the row lock is ours: the over-quota read above took it)
    IF v_window = 'hour' THEN
        UPDATE mailguard.counters c SET hour_notified = greatest(c.hour_start, v_hour)
         WHERE c.account = p_name AND (c.hour_notified IS NULL OR c.hour_notified < greatest(c.hour_start, v_hour));
    ELSIF v_window = 'day' THEN
        UPDATE mailguard.counters c SET day_notified = greatest(c.day_start, v_day)
         WHERE c.account = p_name AND (c.day_notified IS NULL OR c.day_notified < greatest(c.day_start, v_day));
    END IF;
    IF v_window IS NOT NULL AND FOUND THEN
        PERFORM pg_notify('mailguard_quota', json_build_object(
            'account', p_name, 'window', v_window,
            'window_start', CASE v_window WHEN 'hour' THEN greatest(v_c.hour_start, v_hour) ELSE greatest(v_c.day_start, v_day) END,
            'limit', detail,
            'messages', CASE v_window WHEN 'hour' THEN v_hm ELSE v_dm END,
            'recipients', CASE v_window WHEN 'hour' THEN v_hr ELSE v_dr END)::text);
    END IF;
    -- }}}
END
$$;
-- }}}


-- {{{ the log's CHECK constraints
-- (recursing to every partition: the partitions' copies are inherited)
ALTER TABLE mailguard.log
    DROP CONSTRAINT log_verdict_check,
    DROP CONSTRAINT log_outcome_check,
    DROP CONSTRAINT log_via_check;
COMMENT ON COLUMN mailguard.log.verdict IS
    'accept or refuse. Written only by mailguard''s functions (no CHECK since version 6: it cost a third of each INSERT).';
-- }}}
