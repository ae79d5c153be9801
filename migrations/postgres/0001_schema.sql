-- The schema of migrations/sqlite/0001…0004 as one PostgreSQL migration, for several switchboard
-- instances sharing one database. Times are seconds since 1970 (as in SQLite); tokens are stored
-- only encrypted (AES-GCM, see TokenCipher), with the same key on every instance.
CREATE TABLE accounts (
    id                        TEXT PRIMARY KEY NOT NULL,
    chatgpt_account_id        TEXT NOT NULL,
    chatgpt_user_id           TEXT NOT NULL,
    email                     TEXT,
    plan_type                 TEXT,
    status                    TEXT NOT NULL DEFAULT 'active'
                              CHECK (status IN ('active', 'rate_limited', 'auth_retrying', 'cooling', 'paused', 'deactivated')),
    status_code               TEXT,
    status_reason             TEXT,
    status_since              DOUBLE PRECISION,
    status_until              DOUBLE PRECISION,
    poisoned_fingerprint      TEXT,
    access_token_enc          BYTEA NOT NULL,
    refresh_token_enc         BYTEA NOT NULL,
    id_token_enc              BYTEA NOT NULL,
    refresh_fingerprint       TEXT NOT NULL,
    last_refresh_at           DOUBLE PRECISION,
    usage_plan_type           TEXT,
    usage_primary_percent     DOUBLE PRECISION,
    usage_primary_window      BIGINT,
    usage_primary_resets_at   DOUBLE PRECISION,
    usage_secondary_percent   DOUBLE PRECISION,
    usage_secondary_window    BIGINT,
    usage_secondary_resets_at DOUBLE PRECISION,
    usage_observed_at         DOUBLE PRECISION,
    created_at                DOUBLE PRECISION NOT NULL,
    updated_at                DOUBLE PRECISION NOT NULL,
    last_cooldown_seconds     DOUBLE PRECISION,
    version                   BIGINT NOT NULL DEFAULT 0,
    UNIQUE (chatgpt_account_id, chatgpt_user_id)
);

CREATE INDEX accounts_email ON accounts (lower(email));

-- Bumped on every update: a pool reload never installs an older copy of a row.
CREATE FUNCTION accounts_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version = OLD.version THEN NEW.version := OLD.version + 1; END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER accounts_version BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION accounts_bump_version();

CREATE TABLE account_events (
    id          BIGSERIAL PRIMARY KEY,
    account_id  TEXT NOT NULL,
    at          DOUBLE PRECISION NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    cause       TEXT NOT NULL,
    code        TEXT,
    detail      TEXT
);

CREATE INDEX account_events_account ON account_events (account_id, at);
CREATE INDEX account_events_at ON account_events (at);

-- Facts about the database itself: the encryption key check value and the key's fingerprint.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value BYTEA NOT NULL
);

CREATE TABLE api_keys (
    id                  TEXT PRIMARY KEY NOT NULL,
    name                TEXT NOT NULL,
    prefix              TEXT NOT NULL,
    hash                TEXT NOT NULL UNIQUE,
    created_at          DOUBLE PRECISION NOT NULL,
    last_used_at        DOUBLE PRECISION,
    revoked_at          DOUBLE PRECISION,
    tokens_per_day      BIGINT,
    requests_per_minute BIGINT,
    models              TEXT
);

CREATE TABLE retired_credentials (
    account_id   TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    retired_at   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (account_id, fingerprint)
);

-- One refresh per account across every instance: taken by compare-and-swap before any token call,
-- released when the rotation is saved; `expires_at` frees it if its holder died.
CREATE TABLE refresh_claims (
    account_id  TEXT PRIMARY KEY NOT NULL,
    holder      TEXT NOT NULL,
    expires_at  DOUBLE PRECISION NOT NULL
);

CREATE TABLE request_log (
    id               BIGSERIAL PRIMARY KEY,
    at               DOUBLE PRECISION NOT NULL,
    request_id       TEXT NOT NULL,
    route            TEXT NOT NULL,
    transport        TEXT NOT NULL DEFAULT 'http',
    key_id           TEXT,
    account_id       TEXT,
    model            TEXT,
    status           BIGINT NOT NULL,
    error_code       TEXT,
    attempts         BIGINT NOT NULL DEFAULT 0,
    input_tokens     BIGINT,
    cached_tokens    BIGINT,
    output_tokens    BIGINT,
    reasoning_tokens BIGINT,
    ttfb_ms          DOUBLE PRECISION,
    duration_ms      DOUBLE PRECISION NOT NULL,
    user_agent       TEXT
);

CREATE INDEX request_log_at ON request_log (at);

CREATE TABLE api_key_usage (
    key_id   TEXT NOT NULL,
    day      BIGINT NOT NULL,
    requests BIGINT NOT NULL DEFAULT 0,
    tokens   BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, day)
);

-- What the instances watch: a counter every change of accounts or API keys moves (the periodic
-- check), and a notification on channel `switchboard_changes` (payload: the table) for a prompt reload.
CREATE TABLE store_changes (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    counter BIGINT NOT NULL
);
INSERT INTO store_changes (id, counter) VALUES (1, 0);

CREATE FUNCTION store_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE store_changes SET counter = counter + 1 WHERE id = 1;
    PERFORM pg_notify('switchboard_changes', TG_TABLE_NAME);
    RETURN NULL;
END $$;
CREATE TRIGGER accounts_changed AFTER INSERT OR UPDATE OR DELETE ON accounts FOR EACH STATEMENT EXECUTE FUNCTION store_changed();
CREATE TRIGGER api_keys_changed AFTER INSERT OR UPDATE OR DELETE ON api_keys FOR EACH STATEMENT EXECUTE FUNCTION store_changed();

-- The live instances: each heartbeats with the database's clock, so the instances' clocks do not matter.
CREATE TABLE members (
    id        TEXT PRIMARY KEY NOT NULL,
    seen_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
