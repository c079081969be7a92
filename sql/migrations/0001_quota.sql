-- mailguard schema, version 1: accounts and limits, per-account counters,
-- client roles, the monthly partitioned message log and the one function
-- a client role may call.
--
-- Applied by `mailguard-db apply` as a superuser, in one transaction, with
-- the role set to mailguard_owner: every object below belongs to that
-- NOLOGIN role. Clients get USAGE on the schema and EXECUTE on
-- mailguard.mail() through the NOLOGIN group mailguard_client, nothing else.

REVOKE ALL ON SCHEMA mailguard FROM PUBLIC;
GRANT USAGE ON SCHEMA mailguard TO mailguard_client;
-- Functions are executable by PUBLIC unless revoked; make the default
-- "nobody" for everything this role creates. This must be the role's
-- global default: a per-schema (IN SCHEMA) REVOKE cannot take away the
-- built-in EXECUTE for PUBLIC, it only undoes a per-schema GRANT. The
-- owner creates nothing outside this schema. (Tables and sequences have
-- no PUBLIC privileges by default.)
ALTER DEFAULT PRIVILEGES FOR ROLE mailguard_owner REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;

-- True when `tz` names a time zone PostgreSQL knows.
CREATE FUNCTION mailguard.valid_time_zone(tz text) RETURNS boolean
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    PERFORM now() AT TIME ZONE tz;
    RETURN true;
EXCEPTION WHEN invalid_parameter_value THEN
    RETURN false;
END
$$;
REVOKE ALL ON FUNCTION mailguard.valid_time_zone(text) FROM PUBLIC;

-- Limits: NULL means "no limit" for that measure; 0 refuses everything.
CREATE TABLE mailguard.accounts (
    name            text PRIMARY KEY CHECK (name <> ''),
    msgs_hour       integer CHECK (msgs_hour >= 0),
    msgs_day        integer CHECK (msgs_day >= 0),
    rcpts_hour      integer CHECK (rcpts_hour >= 0),
    rcpts_day       integer CHECK (rcpts_day >= 0),
    rcpts_per_msg   integer CHECK (rcpts_per_msg >= 0),
    -- Days (and hours, for zones with half-hour offsets) start at local
    -- midnight in this zone.
    tz              text NOT NULL DEFAULT 'UTC' CHECK (mailguard.valid_time_zone(tz)),
    blocked         boolean NOT NULL DEFAULT false,
    blocked_reason  text,
    auto_created    boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE mailguard.accounts IS
    'One row per hosting account. NULL limit = unlimited. Edited by the admin as mailguard_owner or a superuser.';

-- The policy for mail from an account that has no row in accounts, and the
-- limits such an account gets when the policy is ''default''.
CREATE TABLE mailguard.settings (
    id              boolean PRIMARY KEY DEFAULT true CHECK (id),
    unknown_account text NOT NULL DEFAULT 'refuse' CHECK (unknown_account IN ('refuse', 'default')),
    msgs_hour       integer DEFAULT 100 CHECK (msgs_hour >= 0),
    msgs_day        integer DEFAULT 1000 CHECK (msgs_day >= 0),
    rcpts_hour      integer DEFAULT 200 CHECK (rcpts_hour >= 0),
    rcpts_day       integer DEFAULT 2000 CHECK (rcpts_day >= 0),
    rcpts_per_msg   integer DEFAULT 50 CHECK (rcpts_per_msg >= 0),
    tz              text NOT NULL DEFAULT 'UTC' CHECK (mailguard.valid_time_zone(tz))
);
INSERT INTO mailguard.settings DEFAULT VALUES;
COMMENT ON TABLE mailguard.settings IS
    'unknown_account = refuse: mail from an account without a row is refused; = default: the account is created with these limits.';

-- Who may call mailguard.mail(), and whose account a call is charged to.
--   trust_claimed = false (peer authentication, one login role per customer):
--       the account is `account`, or the role's own name when that is NULL;
--       the account the PHP side claims must be empty or the same.
--   trust_claimed = true (one shared role for many customers, mod_php):
--       the account is the one the PHP side claims (mailguard.account in
--       the admin's ini); this role is trusted to say who is sending.
CREATE TABLE mailguard.clients (
    role            name PRIMARY KEY,
    trust_claimed   boolean NOT NULL DEFAULT false,
    account         text CHECK (account IS NULL OR NOT trust_claimed)
);
COMMENT ON TABLE mailguard.clients IS
    'Login roles that send mail. trust_claimed=false: account = role (peer auth); true: account claimed by the client (shared role).';

-- Counters: the hour and day windows of an account in one row, so one
-- UPDATE checks and counts both.
CREATE TABLE mailguard.counters (
    account         text PRIMARY KEY REFERENCES mailguard.accounts (name) ON DELETE CASCADE ON UPDATE CASCADE,
    hour_start      timestamptz,
    hour_msgs       integer NOT NULL DEFAULT 0,
    hour_rcpts      integer NOT NULL DEFAULT 0,
    day_start       timestamptz,
    day_msgs        integer NOT NULL DEFAULT 0,
    day_rcpts       integer NOT NULL DEFAULT 0,
    -- start of the window whose first refusal has been announced
    hour_notified   timestamptz,
    day_notified    timestamptz
);

CREATE FUNCTION mailguard.accounts_add_counters() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    INSERT INTO mailguard.counters (account) VALUES (NEW.name) ON CONFLICT DO NOTHING;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION mailguard.accounts_add_counters() FROM PUBLIC;
CREATE TRIGGER accounts_add_counters AFTER INSERT ON mailguard.accounts
    FOR EACH ROW EXECUTE FUNCTION mailguard.accounts_add_counters();

-- The message log, one partition per month (mailguard.log_YYYY_MM), plus
-- a default partition so that a missing month never loses a row.
CREATE TABLE mailguard.log (
    id              bigint GENERATED ALWAYS AS IDENTITY,
    ts              timestamptz NOT NULL DEFAULT now(),
    trace           uuid NOT NULL,
    account         text,
    client_role     name NOT NULL DEFAULT session_user,
    fn              text,
    uid             integer,
    owner_uid       integer,
    script          text,
    line            integer,
    entry           text,
    vhost           text,
    client_ip       text,
    sender_host     text,
    pid             integer,
    sapi            text,
    mail_from       text,
    mail_to         text,
    mail_cc         text,
    mail_bcc        text,
    subject         text,
    rcpts           integer,
    verdict         text NOT NULL CHECK (verdict IN ('accept', 'refuse')),
    reason          text,
    -- accepted mail: pending until the PHP side reports sent or failed
    outcome         text CHECK (outcome IN ('pending', 'sent', 'failed')),
    PRIMARY KEY (ts, id)
) PARTITION BY RANGE (ts);
CREATE INDEX log_trace ON mailguard.log (trace);
CREATE INDEX log_account_ts ON mailguard.log (account, ts);
-- fillfactor: the outcome of an accepted mail is written into its row
-- later; room on the page makes that a HOT update (no index entries).
CREATE TABLE mailguard.log_default PARTITION OF mailguard.log DEFAULT WITH (fillfactor = 85);
COMMENT ON TABLE mailguard.log IS
    'Every mail mailguard decided on. trace is the opaque id in the X-Mailguard-Trace header. Partitioned by month.';

-- Creates the partitions for this month and the next `p_ahead` months and
-- drops those that ended more than `p_keep_months` months ago (0 = keep
-- all). Rows that had landed in the default partition move to their
-- month. Returns what it did, one line per partition.
-- Months are UTC months whatever the caller's TimeZone: bounds computed in
-- another zone would overlap (or leave gaps next to) the existing ones.
CREATE FUNCTION mailguard.log_maintain(p_keep_months integer, p_ahead integer DEFAULT 3)
RETURNS SETOF text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp SET TimeZone = 'UTC' AS $$
DECLARE
    m date;
    upper_bound date;
    part text;
    r record;
BEGIN
    IF p_keep_months < 0 OR p_ahead < 0 THEN
        RAISE EXCEPTION 'mailguard.log_maintain: months must not be negative';
    END IF;
    -- New months: the current one (and any month present in the default
    -- partition) up to p_ahead months ahead.
    FOR m IN
        SELECT DISTINCT d::date FROM (
            SELECT generate_series(date_trunc('month', now()), date_trunc('month', now()) + make_interval(months => p_ahead), '1 month') AS d
            UNION
            SELECT date_trunc('month', ts) FROM mailguard.log_default
        ) s ORDER BY 1
    LOOP
        part := format('log_%s', to_char(m, 'YYYY_MM'));
        CONTINUE WHEN to_regclass(format('mailguard.%I', part)) IS NOT NULL;
        upper_bound := (m + interval '1 month')::date;
        EXECUTE format('CREATE TABLE mailguard.%I (LIKE mailguard.log INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (fillfactor = 85)', part);
        EXECUTE format('WITH moved AS (DELETE FROM mailguard.log_default WHERE ts >= %L AND ts < %L RETURNING *)'
                       ' INSERT INTO mailguard.%I OVERRIDING SYSTEM VALUE SELECT * FROM moved', m, upper_bound, part);
        EXECUTE format('ALTER TABLE mailguard.log ATTACH PARTITION mailguard.%I FOR VALUES FROM (%L) TO (%L)',
                       part, m, upper_bound);
        RETURN NEXT 'created ' || part;
    END LOOP;
    IF p_keep_months > 0 THEN
        FOR r IN
            SELECT c.relname
              FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
             WHERE i.inhparent = 'mailguard.log'::regclass
               AND c.relname ~ '^log_[0-9]{4}_[0-9]{2}$'
               AND to_date(substr(c.relname, 5), 'YYYY_MM') + interval '1 month'
                   <= date_trunc('month', now()) - make_interval(months => p_keep_months)
             ORDER BY 1
        LOOP
            EXECUTE format('DROP TABLE mailguard.%I', r.relname);
            RETURN NEXT 'dropped ' || r.relname;
        END LOOP;
    END IF;
END
$$;
REVOKE ALL ON FUNCTION mailguard.log_maintain(integer, integer) FROM PUBLIC;

-- {{{ the policy function
-- One call per mail, one round trip. Resolves the account from the calling
-- role (see mailguard.clients), refuses blocked accounts and mails with too
-- many recipients, then counts the mail with ONE conditional UPDATE of the
-- account's counter row: both windows roll over inline when their start
-- has passed, and the row changes only if every new total is within its
-- limit. Under READ COMMITTED a concurrent caller waiting on the row lock
-- re-checks that WHERE against the newest row version, so concurrent mails
-- can never push a counter past its limit, and no increment is lost.
-- Every decision is logged. The first refusal of a window sends a NOTIFY
-- on channel mailguard_quota (JSON payload).
--
-- p_trace and p_outcome ('sent' or 'failed') report what happened to an
-- accepted mail the same role logged in the last two days (recorded once).
-- The PHP side sends them along with its next mail's question, so a mail
-- costs one round trip; called with only these two, the function records
-- the outcome and returns verdict 'recorded' (or 'unknown').
CREATE FUNCTION mailguard.mail(
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
    v_acct      mailguard.accounts%ROWTYPE;
    v_set       mailguard.settings%ROWTYPE;
    v_c         mailguard.counters%ROWTYPE;
    v_name      text;
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
    v_stmt_ms   bigint := extract(epoch FROM pg_catalog.current_setting('statement_timeout')::interval) * 1000;
BEGIN
    -- {{{ outcome of an accepted mail
    -- (an outcome without its trace is an error, never a new mail to count)
    IF p_outcome IS NOT NULL AND p_trace IS NULL THEN
        RAISE EXCEPTION 'mailguard.mail: p_outcome needs p_trace';
    END IF;
    IF p_trace IS NOT NULL THEN
        IF p_outcome IS NULL OR p_outcome NOT IN ('sent', 'failed') THEN
            RAISE EXCEPTION 'mailguard.mail: outcome must be sent or failed';
        END IF;
        UPDATE mailguard.log l SET outcome = p_outcome
         WHERE l.trace = p_trace AND l.ts >= now() - interval '2 days'
           AND l.outcome = 'pending' AND l.client_role = session_user;
        IF p_account IS NULL AND p_rcpts IS NULL THEN
            verdict := CASE WHEN FOUND THEN 'recorded' ELSE 'unknown' END;
            trace := p_trace;
            RETURN;
        END IF;
    END IF;
    -- }}}

    trace := gen_random_uuid();
    verdict := 'refuse';

    -- {{{ who is sending
    SELECT * INTO v_client FROM mailguard.clients c WHERE c.role = session_user;
    IF NOT FOUND THEN
        reason := 'not-a-client';
        v_name := nullif(p_account, '');
    ELSIF v_client.trust_claimed THEN
        v_name := nullif(p_account, '');
        IF v_name IS NULL THEN
            reason := 'no-account';
        END IF;
    ELSE
        v_name := coalesce(v_client.account, session_user::text);
        -- The PHP side claims the worker's user name (= the role) unless
        -- the admin set mailguard.account: either names this client.
        IF coalesce(p_account, '') NOT IN ('', v_name, session_user::text) THEN
            reason := 'identity-mismatch';
        END IF;
    END IF;
    -- }}}

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
        -- refused as busy: only that account's own mail suffers.
        v_lock := current_setting('lock_timeout');
        PERFORM set_config('lock_timeout', CASE WHEN v_stmt_ms > 0 THEN greatest(v_stmt_ms / 2, 1) ELSE 2000 END || 'ms', true);
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
            rcpts, verdict, reason, outcome)
    VALUES (trace, v_name, p_fn, p_uid, p_owner, p_script, p_line, p_entry, p_vhost,
            p_client, p_host, p_pid, p_sapi, p_from, p_to, p_cc, p_bcc, p_subject,
            v_rcpts, verdict, CASE WHEN reason IS NULL THEN NULL WHEN detail IS NULL THEN reason
                                  ELSE reason || ':' || detail END,
            CASE WHEN verdict = 'accept' THEN 'pending' END);
END
$$;
REVOKE ALL ON FUNCTION mailguard.mail(text, integer, text, integer, integer, text, integer, text, text,
    text, text, integer, text, text, text, text, text, text, uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mailguard.mail(text, integer, text, integer, integer, text, integer, text, text,
    text, text, integer, text, text, text, text, text, text, uuid, text) TO mailguard_client;
-- }}}

SELECT mailguard.log_maintain(0, 3);
