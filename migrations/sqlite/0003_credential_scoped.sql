-- Credential-scoped failures: the `cooling` status, a row version, remembered rotated-away
-- refresh tokens (safe re-import) and refresh claims (one refresh per account across processes).
-- SQLite cannot change a CHECK constraint in place, so `accounts` is rebuilt with its rows.
CREATE TABLE accounts_new (
    id                       TEXT PRIMARY KEY NOT NULL,
    chatgpt_account_id       TEXT NOT NULL,
    chatgpt_user_id          TEXT NOT NULL,
    email                    TEXT,
    plan_type                TEXT,
    status                   TEXT NOT NULL DEFAULT 'active'
                             CHECK (status IN ('active', 'rate_limited', 'auth_retrying', 'cooling', 'paused', 'deactivated')),
    status_code              TEXT,
    status_reason            TEXT,
    status_since             REAL,
    status_until             REAL,
    poisoned_fingerprint     TEXT,
    access_token_enc         BLOB NOT NULL,
    refresh_token_enc        BLOB NOT NULL,
    id_token_enc             BLOB NOT NULL,
    refresh_fingerprint      TEXT NOT NULL,
    last_refresh_at          REAL,
    usage_plan_type          TEXT,
    usage_primary_percent    REAL,
    usage_primary_window     INTEGER,
    usage_primary_resets_at  REAL,
    usage_secondary_percent  REAL,
    usage_secondary_window   INTEGER,
    usage_secondary_resets_at REAL,
    usage_observed_at        REAL,
    created_at               REAL NOT NULL,
    updated_at               REAL NOT NULL,
    -- Length of the last cooldown while cooldowns follow each other (NULL after a success).
    last_cooldown_seconds    REAL,
    -- Bumped on every update (trigger below): a pool reload never installs an older copy of a row.
    version                  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (chatgpt_account_id, chatgpt_user_id)
);

INSERT INTO accounts_new (
    id, chatgpt_account_id, chatgpt_user_id, email, plan_type, status, status_code, status_reason,
    status_since, status_until, poisoned_fingerprint, access_token_enc, refresh_token_enc, id_token_enc,
    refresh_fingerprint, last_refresh_at, usage_plan_type, usage_primary_percent, usage_primary_window,
    usage_primary_resets_at, usage_secondary_percent, usage_secondary_window, usage_secondary_resets_at,
    usage_observed_at, created_at, updated_at)
SELECT
    id, chatgpt_account_id, chatgpt_user_id, email, plan_type, status, status_code, status_reason,
    status_since, status_until, poisoned_fingerprint, access_token_enc, refresh_token_enc, id_token_enc,
    refresh_fingerprint, last_refresh_at, usage_plan_type, usage_primary_percent, usage_primary_window,
    usage_primary_resets_at, usage_secondary_percent, usage_secondary_window, usage_secondary_resets_at,
    usage_observed_at, created_at, updated_at
FROM accounts;

DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;
CREATE INDEX accounts_email ON accounts (email);

CREATE TRIGGER accounts_version AFTER UPDATE ON accounts
WHEN new.version = old.version
BEGIN
    UPDATE accounts SET version = old.version + 1 WHERE id = new.id;
END;

-- Refresh tokens this store rotated or replaced away: importing one of them again would
-- overwrite live credentials with spent ones.
CREATE TABLE retired_credentials (
    account_id   TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    retired_at   REAL NOT NULL,
    PRIMARY KEY (account_id, fingerprint)
);

-- One refresh per account across processes: taken by compare-and-swap before any token call,
-- released when the rotation is saved; `expires_at` frees it if its holder died.
CREATE TABLE refresh_claims (
    account_id  TEXT PRIMARY KEY NOT NULL,
    holder      TEXT NOT NULL,
    expires_at  REAL NOT NULL
);
