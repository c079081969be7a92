-- mailguard schema, version 2: the envelope sender (Return-Path) an
-- account may use, for mailguard.envelope_sender = On.
--
-- When a script sends without an envelope sender, the MTA uses the PHP
-- process's user (www-data@host, shop1@host): bounces go nowhere useful and
-- SPF checks the web server's name. With the setting on, mailguard asks
-- mailguard.envelope() in the same statement as mailguard.mail(), and
-- passes the answer as `-f <address>`:
--   - the mail's From address, when its domain is one of the account's
--     sender_domains (domains the admin verified the customer owns);
--   - otherwise the account's default_sender;
--   - otherwise nothing (the MTA's default stays).
-- An address is only ever one the admin configured or one inside a domain
-- the admin listed: never an arbitrary From, which would make SPF fail for
-- domains whose SPF record does not list this server (see database.md).

-- A plain addr-spec, the same rule as the extension's
-- mg_params_addr_spec(): nothing a shell or sendmail reads as anything but
-- an address.
CREATE FUNCTION mailguard.valid_addr_spec(a text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
    SELECT length(a) <= 254
       AND length(split_part(a, '@', 1)) <= 64
       AND a ~ '^[A-Za-z0-9_+=]([A-Za-z0-9_+=-]|\.(?!\.))*(?<!\.)@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$'
$$;

-- A domain name in lower case, labels of letters, digits and '-'.
CREATE FUNCTION mailguard.valid_domain(d text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
    SELECT length(d) <= 253
       AND d ~ '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'
$$;

CREATE FUNCTION mailguard.valid_domains(ds text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
    SELECT coalesce(bool_and(d IS NOT NULL AND mailguard.valid_domain(d)), true) FROM unnest(ds) AS d
$$;

ALTER TABLE mailguard.accounts
    ADD COLUMN sender_domains text[] NOT NULL DEFAULT '{}' CHECK (mailguard.valid_domains(sender_domains)),
    ADD COLUMN default_sender text CHECK (default_sender IS NULL OR mailguard.valid_addr_spec(default_sender));
COMMENT ON COLUMN mailguard.accounts.sender_domains IS
    'Lower-case domains the account owns: a From address in one of them becomes the envelope sender. Exact match, list subdomains.';
COMMENT ON COLUMN mailguard.accounts.default_sender IS
    'Envelope sender when the From address is not in sender_domains; NULL = leave the MTA''s default.';

-- The envelope sender mailguard set for the mail, NULL when none.
ALTER TABLE mailguard.log ADD COLUMN envelope_sender text;

-- {{{ mailguard.envelope(): the envelope sender for a mail just accepted
-- p_trace is the trace mailguard.mail() returned to this session's role;
-- p_from the mail's From address as the extension read it (or NULL).
-- Returns the address to pass as -f, or NULL. A trace of another role, a
-- refused mail, an old mail or one that already has an envelope sender
-- gets NULL, so a client learns nothing about other accounts.
CREATE FUNCTION mailguard.envelope(p_trace uuid, p_from text DEFAULT NULL)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_id        bigint;
    v_ts        timestamptz;
    v_domains   text[];
    v_default   text;
    v_result    text;
BEGIN
    IF p_trace IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT l.id, l.ts, a.sender_domains, a.default_sender
      INTO v_id, v_ts, v_domains, v_default
      FROM mailguard.log l
      JOIN mailguard.accounts a ON a.name = l.account
     WHERE l.trace = p_trace
       AND l.ts >= now() - interval '1 hour'
       AND l.client_role = session_user
       AND l.verdict = 'accept'
       AND l.envelope_sender IS NULL;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF p_from IS NOT NULL AND mailguard.valid_addr_spec(p_from)
            AND lower(split_part(p_from, '@', 2)) = ANY (v_domains) THEN
        v_result := p_from;
    ELSE
        v_result := v_default;
    END IF;
    IF v_result IS NOT NULL THEN
        UPDATE mailguard.log SET envelope_sender = v_result WHERE ts = v_ts AND id = v_id;
    END IF;
    RETURN v_result;
END
$$;
REVOKE ALL ON FUNCTION mailguard.envelope(uuid, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mailguard.envelope(uuid, text) TO mailguard_client;
-- }}}
