-- mailguard schema, version 4: mail that bypasses mail() -- the sendmail
-- command, SMTP from this host -- is attributed, counted and logged by
-- mailguard-milter (milter/), on the same policy as mail() mail.
--
-- 1. mailguard.uids maps a submitting OS uid to an account (managed with
--    `mailguard-db map-uid UID ACCOUNT` / `unmap-uid UID`).
-- 2. mailguard.decide() is the decision mailguard.mail() made inline up
--    to version 3 (deadline, account lookup, blocked, recipient cap, the
--    one conditional counter UPDATE, the notification, the log row, the
--    late rollback), moved out unchanged so that mail() and the milter's
--    function share it: the same counters, the same hour and day windows,
--    the same log. Only its owner may execute it; the two SECURITY
--    DEFINER functions below call it as the owner.
-- 3. mailguard.milter_mail() is the one function the NOLOGIN group
--    mailguard_milter may execute: it either claims a trace the extension
--    issued (once: that mail was counted when mail() was called) or
--    resolves the uid to an account and asks decide(). The milter's role
--    can spend any mapped account's quota and claim traces; it cannot
--    read a table, change a limit or write anything else.
-- 4. mailguard.log gets via (php, sendmail, smtp), queue_id (the MTA's
--    queue id) and claimed_at (when the milter claimed the row's trace).

GRANT USAGE ON SCHEMA mailguard TO mailguard_milter;

CREATE TABLE mailguard.uids (
    uid         integer PRIMARY KEY CHECK (uid >= 0),
    account     text NOT NULL REFERENCES mailguard.accounts (name) ON DELETE CASCADE ON UPDATE CASCADE
);
COMMENT ON TABLE mailguard.uids IS
    'Submitting OS uid -> account, for mail the milter sees (sendmail command, SMTP from this host).';

ALTER TABLE mailguard.log
    ADD COLUMN via text CHECK (via IN ('php', 'sendmail', 'smtp')),
    ADD COLUMN queue_id text,
    ADD COLUMN claimed_at timestamptz;
COMMENT ON COLUMN mailguard.log.via IS
    'php: asked by the extension (NULL in rows older than version 4); sendmail/smtp: asked by the milter for that path.';
COMMENT ON COLUMN mailguard.log.claimed_at IS
    'When the milter saw this accepted mail''s trace at the MTA and let it pass uncounted (once).';

-- {{{ mailguard.decide(): count and log one mail for account p_name
-- p_reason (with p_detail) is a refusal the caller already decided on
-- (identity); it is logged as such. Runs as its caller: one of the
-- SECURITY DEFINER functions below, i.e. the owner.
CREATE FUNCTION mailguard.decide(
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
    v_name      text := p_name;
    v_rcpts     integer := greatest(coalesce(p_rcpts, 0), 0);
    v_hour      timestamptz;
    v_day       timestamptz;
    v_hm        integer;
    v_hr        integer;
    v_dm        integer;
    v_dr        integer;
    v_window    text;
    v_try       integer;
    v_lock      text;
    v_lock_ms   bigint;
    v_stmt_ms   bigint := extract(epoch FROM pg_catalog.current_setting('statement_timeout')::interval) * 1000;
    v_late_at   timestamptz;    -- p_deadline + margin: decided after this = late
    v_decided   text;
BEGIN
    trace := gen_random_uuid();
    verdict := 'refuse';
    reason := p_reason;
    detail := p_detail;

    -- {{{ the deadline, before anything is looked up
    IF p_deadline IS NOT NULL THEN
        SELECT p_deadline + make_interval(secs => s.deadline_margin_ms / 1000.0)
          INTO v_late_at FROM mailguard.settings s;
        v_late_at := coalesce(v_late_at, p_deadline + interval '50 ms');   -- no settings row
        IF reason IS NULL AND clock_timestamp() > v_late_at THEN
            reason := 'late';
            detail := format('%s ms after the deadline',
                             round(extract(epoch FROM clock_timestamp() - p_deadline) * 1000));
        END IF;
    END IF;
    -- }}}

    -- The decision runs in a subtransaction: when its answer turns out to
    -- be late, everything it wrote (counter, auto-created account, log
    -- row, notification) is rolled back.
    BEGIN
    IF reason IS NULL THEN
        SELECT * INTO v_acct FROM mailguard.accounts a WHERE a.name = v_name;
        IF NOT FOUND THEN
            SELECT * INTO v_set FROM mailguard.settings;
            IF v_set.unknown_account = 'default' THEN
                INSERT INTO mailguard.accounts (name, msgs_hour, msgs_day, rcpts_hour, rcpts_day,
                        rcpts_per_msg, tz, auto_created)
                VALUES (v_name, v_set.msgs_hour, v_set.msgs_day, v_set.rcpts_hour, v_set.rcpts_day,
                        v_set.rcpts_per_msg, v_set.tz, true)
                ON CONFLICT (name) DO NOTHING;
                SELECT * INTO v_acct FROM mailguard.accounts a WHERE a.name = v_name;
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

    IF reason IS NULL THEN
        v_hour := date_trunc('hour', now(), v_acct.tz);
        v_day := date_trunc('day', now(), v_acct.tz);
        -- Someone who can log in as the client role could open a
        -- transaction, count a mail and sit on the counter row's lock:
        -- every later call would wait into the caller's deadline and the
        -- fail mode. So the row lock is waited for at most half of the
        -- statement timeout (the caller's deadline), and then the mail is
        -- refused as busy: only that account's own mail suffers. With
        -- p_deadline, no longer than until the answer would be late.
        v_lock := current_setting('lock_timeout');
        v_lock_ms := CASE WHEN v_stmt_ms > 0 THEN greatest(v_stmt_ms / 2, 1) ELSE 2000 END;
        IF v_late_at IS NOT NULL THEN
            v_lock_ms := greatest(least(v_lock_ms,
                ceil(extract(epoch FROM v_late_at - clock_timestamp()) * 1000)::bigint), 1);
        END IF;
        PERFORM set_config('lock_timeout', v_lock_ms || 'ms', true);
        BEGIN
        FOR v_try IN 1..2 LOOP
            -- A window that started at or after ours (another caller's
            -- clock was later) is the current one: count into it.
            UPDATE mailguard.counters c SET
                hour_start = greatest(c.hour_start, v_hour),
                hour_msgs  = CASE WHEN c.hour_start >= v_hour THEN c.hour_msgs ELSE 0 END + 1,
                hour_rcpts = CASE WHEN c.hour_start >= v_hour THEN c.hour_rcpts ELSE 0 END + v_rcpts,
                day_start  = greatest(c.day_start, v_day),
                day_msgs   = CASE WHEN c.day_start >= v_day THEN c.day_msgs ELSE 0 END + 1,
                day_rcpts  = CASE WHEN c.day_start >= v_day THEN c.day_rcpts ELSE 0 END + v_rcpts
             WHERE c.account = v_name
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
                verdict := 'accept';
                msgs_hour_left  := v_acct.msgs_hour - v_c.hour_msgs;
                rcpts_hour_left := v_acct.rcpts_hour - v_c.hour_rcpts;
                msgs_day_left   := v_acct.msgs_day - v_c.day_msgs;
                rcpts_day_left  := v_acct.rcpts_day - v_c.day_rcpts;
                EXIT;
            END IF;
            SELECT * INTO v_c FROM mailguard.counters c WHERE c.account = v_name;
            IF NOT FOUND THEN
                -- an account row older than its trigger: give it counters
                INSERT INTO mailguard.counters (account) VALUES (v_name) ON CONFLICT DO NOTHING;
                CONTINUE;
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
        EXCEPTION WHEN lock_not_available THEN
            verdict := 'refuse';
            reason := 'busy';
            detail := 'counter row locked by another session';
            v_window := NULL;
        END;
        IF verdict <> 'accept' AND reason IS NULL THEN
            reason := 'over-quota';
            detail := 'contended';
        END IF;
    END IF;

    -- {{{ the first refusal of a window is announced once
    BEGIN
    IF v_window = 'hour' THEN
        UPDATE mailguard.counters c SET hour_notified = greatest(c.hour_start, v_hour)
         WHERE c.account = v_name AND (c.hour_notified IS NULL OR c.hour_notified < greatest(c.hour_start, v_hour));
    ELSIF v_window = 'day' THEN
        UPDATE mailguard.counters c SET day_notified = greatest(c.day_start, v_day)
         WHERE c.account = v_name AND (c.day_notified IS NULL OR c.day_notified < greatest(c.day_start, v_day));
    END IF;
    IF v_window IS NOT NULL AND FOUND THEN
        PERFORM pg_notify('mailguard_quota', json_build_object(
            'account', v_name, 'window', v_window,
            'window_start', CASE v_window WHEN 'hour' THEN greatest(v_c.hour_start, v_hour) ELSE greatest(v_c.day_start, v_day) END,
            'limit', detail,
            'messages', CASE v_window WHEN 'hour' THEN v_hm ELSE v_dm END,
            'recipients', CASE v_window WHEN 'hour' THEN v_hr ELSE v_dr END)::text);
    END IF;
    EXCEPTION WHEN lock_not_available THEN
        NULL;   -- the next refusal announces it
    END;
    IF v_lock IS NOT NULL THEN
        PERFORM set_config('lock_timeout', v_lock, true);
    END IF;
    -- }}}

    INSERT INTO mailguard.log (trace, account, fn, uid, owner_uid, script, line, entry, vhost,
            client_ip, sender_host, pid, sapi, mail_from, mail_to, mail_cc, mail_bcc, subject,
            via, queue_id, rcpts, verdict, reason, outcome)
    VALUES (trace, v_name, p_fn, p_uid, p_owner, p_script, p_line, p_entry, p_vhost,
            p_client, p_host, p_pid, p_sapi, p_from, p_to, p_cc, p_bcc, p_subject,
            p_via, p_queue_id,
            v_rcpts, verdict, CASE WHEN reason IS NULL THEN NULL WHEN detail IS NULL THEN reason
                                  ELSE reason || ':' || detail END,
            -- the PHP side reports what sendmail did later; the milter's
            -- accept is the MTA taking the mail
            CASE WHEN verdict = 'accept' THEN CASE WHEN p_via = 'php' THEN 'pending' ELSE 'sent' END END);

    -- {{{ the deadline, last: after the counter, the log row and any lock wait
    -- (identity refusals keep their reason: they say more than "late")
    IF clock_timestamp() > v_late_at AND reason IS DISTINCT FROM 'late'
            AND reason IS DISTINCT FROM 'no-account' AND reason IS DISTINCT FROM 'identity-mismatch' THEN
        v_decided := coalesce(reason, verdict);
        RAISE EXCEPTION USING ERRCODE = 'MGLTE', MESSAGE = 'late';
    END IF;
    -- }}}
    EXCEPTION WHEN SQLSTATE 'MGLTE' THEN
        -- Rolled back: the count, the row, an auto-created account, a
        -- notification, the lock_timeout of the block. What is left is
        -- the refusal, with what would have been decided.
        verdict := 'refuse';
        reason := 'late';
        detail := format('%s ms after the deadline (decided: %s)',
                         round(extract(epoch FROM clock_timestamp() - p_deadline) * 1000), v_decided);
        msgs_hour_left := NULL;
        msgs_day_left := NULL;
        rcpts_hour_left := NULL;
        rcpts_day_left := NULL;
        INSERT INTO mailguard.log (trace, account, fn, uid, owner_uid, script, line, entry, vhost,
                client_ip, sender_host, pid, sapi, mail_from, mail_to, mail_cc, mail_bcc, subject,
                via, queue_id, rcpts, verdict, reason, outcome)
        VALUES (trace, v_name, p_fn, p_uid, p_owner, p_script, p_line, p_entry, p_vhost,
                p_client, p_host, p_pid, p_sapi, p_from, p_to, p_cc, p_bcc, p_subject,
                p_via, p_queue_id,
                v_rcpts, verdict, reason || ':' || detail, NULL);
    END;
END
$$;
REVOKE ALL ON FUNCTION mailguard.decide(text, text, text, integer, timestamptz, text, text, text, integer,
    integer, text, integer, text, text, text, text, integer, text, text, text, text, text, text) FROM PUBLIC;
-- }}}

-- {{{ mailguard.mail(): the extension's question, as in version 3
-- Same signature, so CREATE OR REPLACE keeps its privileges: who is
-- asking and which account, then mailguard.decide().
CREATE OR REPLACE FUNCTION mailguard.mail(
    p_account   text DEFAULT NULL,
    p_rcpts     integer DEFAULT NULL,
    p_fn        text DEFAULT NULL,
    p_uid       integer DEFAULT NULL,
    p_owner     integer DEFAULT NULL,
    p_script    text DEFAULT NULL,
    p_line      integer DEFAULT NULL,
    p_entry     text DEFAULT NULL,
    p_vhost     text DEFAULT NULL,
    p_client    text DEFAULT NULL,
    p_host      text DEFAULT NULL,
    p_pid       integer DEFAULT NULL,
    p_sapi      text DEFAULT NULL,
    p_from      text DEFAULT NULL,
    p_to        text DEFAULT NULL,
    p_cc        text DEFAULT NULL,
    p_bcc       text DEFAULT NULL,
    p_subject   text DEFAULT NULL,
    p_trace     uuid DEFAULT NULL,
    p_outcome   text DEFAULT NULL,
    p_deadline  timestamptz DEFAULT NULL,
    OUT verdict         text,
    OUT reason          text,
    OUT detail          text,
    OUT trace           uuid,
    OUT msgs_hour_left  integer,
    OUT msgs_day_left   integer,
    OUT rcpts_hour_left integer,
    OUT rcpts_day_left  integer)
RETURNS record
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_client    mailguard.clients%ROWTYPE;
    v_is_client boolean;
    v_recorded  boolean := false;
    v_name      text;
BEGIN
    -- {{{ who is asking
    -- session_user, never a parameter: the login role the server
    -- authenticated (SECURITY DEFINER changes current_user only).
    SELECT * INTO v_client FROM mailguard.clients c WHERE c.role = session_user;
    v_is_client := FOUND;
    -- }}}

    -- {{{ outcome of an accepted mail
    -- (an outcome without its trace is an error, never a new mail to count)
    IF p_outcome IS NOT NULL AND p_trace IS NULL THEN
        RAISE EXCEPTION 'mailguard.mail: p_outcome needs p_trace';
    END IF;
    IF p_trace IS NOT NULL THEN
        IF p_outcome IS NULL OR p_outcome NOT IN ('sent', 'failed') THEN
            RAISE EXCEPTION 'mailguard.mail: outcome must be sent or failed';
        END IF;
        IF v_is_client THEN
            UPDATE mailguard.log l SET outcome = p_outcome
             WHERE l.trace = p_trace AND l.ts >= now() - interval '2 days'
               AND l.outcome = 'pending' AND l.client_role = session_user;
            v_recorded := FOUND;
        END IF;
        IF p_account IS NULL AND p_rcpts IS NULL THEN
            verdict := CASE WHEN v_recorded THEN 'recorded' ELSE 'unknown' END;
            trace := p_trace;
            RETURN;
        END IF;
    END IF;
    -- }}}

    trace := gen_random_uuid();
    verdict := 'refuse';

    -- {{{ not a client: one row under the caller's role, nothing it said
    -- A member of mailguard_client without a clients row (never added, or
    -- its row was deleted while the membership stayed). The admin sees the
    -- attempt (client_role, ts); the account, origin and header values
    -- are the caller's words and are not written anywhere. The PHP side's
    -- syslog line has them for a legitimate but misconfigured site.
    IF NOT v_is_client THEN
        reason := 'not-a-client';
        INSERT INTO mailguard.log (trace, account, verdict, reason)
        VALUES (trace, NULL, verdict, reason);
        RETURN;
    END IF;
    -- }}}

    -- {{{ which account
    IF v_client.trust_claimed THEN
        v_name := nullif(p_account, '');
        IF v_name IS NULL THEN
            reason := 'no-account';
        END IF;
    ELSE
        -- A claim that differs is refused and logged under the caller's
        -- own account, never under the claimed one.
        v_name := coalesce(v_client.account, session_user::text);
        -- The PHP side claims the worker's user name (= the role) unless
        -- the admin set mailguard.account: either names this client.
        IF coalesce(p_account, '') NOT IN ('', v_name, session_user::text) THEN
            reason := 'identity-mismatch';
        END IF;
    END IF;
    -- }}}

    SELECT d.verdict, d.reason, d.detail, d.trace, d.msgs_hour_left, d.msgs_day_left,
           d.rcpts_hour_left, d.rcpts_day_left
      INTO verdict, reason, detail, trace, msgs_hour_left, msgs_day_left,
           rcpts_hour_left, rcpts_day_left
      FROM mailguard.decide(v_name, reason, detail, p_rcpts, p_deadline, 'php', NULL,
            p_fn, p_uid, p_owner, p_script, p_line, p_entry, p_vhost, p_client, p_host,
            p_pid, p_sapi, p_from, p_to, p_cc, p_bcc, p_subject) d;
END
$$;
-- }}}

-- {{{ mailguard.milter_mail(): the milter's question, one per message
-- p_uid: the submitting uid the milter established (the queue file's
-- Received line, or the owner of the client's socket); p_via: sendmail
-- or smtp; p_rcpts: envelope recipients; p_trace: the X-Mailguard-Trace
-- the message carries, or NULL; p_queue_id: the MTA's queue id.
--
-- With a trace: it is claimed when an accepted extension row (via php)
-- of the last two days has it, no milter claimed it before, and its
-- account is the uid's account (or the uid is not mapped: a shared uid
-- such as www-data under mod_php). Then verdict is 'claimed' and nothing
-- is counted or logged again. Otherwise (a reused, unknown or forged
-- trace) the message is asked about like an untraced one.
-- A uid without a mapping is refused, reason unknown-uid, logged with
-- the uid and no account.
CREATE FUNCTION mailguard.milter_mail(
    p_uid       integer,
    p_via       text,
    p_rcpts     integer,
    p_trace     uuid DEFAULT NULL,
    p_queue_id  text DEFAULT NULL,
    p_from      text DEFAULT NULL,
    p_to        text DEFAULT NULL,
    p_cc        text DEFAULT NULL,
    p_bcc       text DEFAULT NULL,
    p_subject   text DEFAULT NULL,
    p_deadline  timestamptz DEFAULT NULL,
    OUT verdict         text,
    OUT reason          text,
    OUT detail          text,
    OUT trace           uuid,
    OUT account         text,
    OUT msgs_hour_left  integer,
    OUT msgs_day_left   integer,
    OUT rcpts_hour_left integer,
    OUT rcpts_day_left  integer)
RETURNS record
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_reason    text;
    v_claimed   text;
BEGIN
    IF p_uid IS NULL OR p_uid < 0 THEN
        RAISE EXCEPTION 'mailguard.milter_mail: p_uid must be a uid';
    END IF;
    IF p_via IS NULL OR p_via NOT IN ('sendmail', 'smtp') THEN
        RAISE EXCEPTION 'mailguard.milter_mail: p_via must be sendmail or smtp';
    END IF;
    SELECT u.account INTO account FROM mailguard.uids u WHERE u.uid = p_uid;

    -- {{{ a trace the extension issued, once
    IF p_trace IS NOT NULL THEN
        UPDATE mailguard.log l SET claimed_at = clock_timestamp()
         WHERE l.trace = p_trace AND l.ts >= now() - interval '2 days'
           AND l.verdict = 'accept' AND coalesce(l.via, 'php') = 'php'
           AND l.claimed_at IS NULL
           AND (milter_mail.account IS NULL OR l.account = milter_mail.account)
        RETURNING l.account INTO v_claimed;
        IF FOUND THEN
            account := v_claimed;
            verdict := 'claimed';
            trace := p_trace;
            RETURN;
        END IF;
    END IF;
    -- }}}

    IF account IS NULL THEN
        v_reason := 'unknown-uid';
    END IF;
    SELECT d.verdict, d.reason, d.detail, d.trace, d.msgs_hour_left, d.msgs_day_left,
           d.rcpts_hour_left, d.rcpts_day_left
      INTO verdict, reason, detail, trace, msgs_hour_left, msgs_day_left,
           rcpts_hour_left, rcpts_day_left
      FROM mailguard.decide(account, v_reason, NULL, p_rcpts, p_deadline, p_via, p_queue_id,
            NULL, p_uid, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            NULL, 'milter', p_from, p_to, p_cc, p_bcc, p_subject) d;
END
$$;
REVOKE ALL ON FUNCTION mailguard.milter_mail(integer, text, integer, uuid, text, text, text, text, text,
    text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mailguard.milter_mail(integer, text, integer, uuid, text, text, text, text, text,
    text, timestamptz) TO mailguard_milter;
-- }}}
