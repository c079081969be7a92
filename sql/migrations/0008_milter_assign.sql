-- mailguard schema, version 8: mailguard.milter_mail() calls decide() as
-- an assignment.
--
-- Version 4's milter_mail() asked decide() with SELECT ... FROM
-- mailguard.decide(...): an SPI query whose executor starts a function
-- scan and fills a tuplestore for one row. An assignment is evaluated by
-- plpgsql as a simple expression. callgrind on a single-user backend
-- (docs/performance.md, "mailguard-milter"): 842k -> 819k instructions per
-- untraced message. The answer is the same; the signature is unchanged,
-- so CREATE OR REPLACE keeps the privileges (EXECUTE for mailguard_milter
-- only).

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
CREATE OR REPLACE FUNCTION mailguard.milter_mail(
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
    v_d         record;
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
    -- an assignment, not a SELECT ... FROM: plpgsql evaluates a plain
    -- function call without starting an executor (a function scan and
    -- its tuplestore) for it; mailguard.mail() does the same since
    -- version 5
    v_d := mailguard.decide(account, v_reason, NULL, p_rcpts, p_deadline, p_via, p_queue_id,
            NULL, p_uid, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            NULL, 'milter', p_from, p_to, p_cc, p_bcc, p_subject);
    verdict := v_d.verdict;
    reason := v_d.reason;
    detail := v_d.detail;
    trace := v_d.trace;
    msgs_hour_left := v_d.msgs_hour_left;
    msgs_day_left := v_d.msgs_day_left;
    rcpts_hour_left := v_d.rcpts_hour_left;
    rcpts_day_left := v_d.rcpts_day_left;
END
$$;
-- }}}
