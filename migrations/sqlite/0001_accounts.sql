-- The account pool and its audit log. Tokens are stored only encrypted (AES-GCM, see TokenCipher).
CREATE TABLE accounts (
    id                       TEXT PRIMARY KEY NOT NULL,
    chatgpt_account_id       TEXT NOT NULL,
    chatgpt_user_id          TEXT NOT NULL,
    email                    TEXT,
    plan_type                TEXT,
    status                   TEXT NOT NULL DEFAULT 'active'
                             CHECK (status IN ('active', 'rate_limited', 'auth_retrying', 'paused', 'deactivated')),
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
    UNIQUE (chatgpt_account_id, chatgpt_user_id)
);

CREATE INDEX accounts_email ON accounts (email);

CREATE TABLE account_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id  TEXT NOT NULL,
    at          REAL NOT NULL,
    from_status TEXT,
    to_status   TEXT NOT NULL,
    cause       TEXT NOT NULL,
    code        TEXT,
    detail      TEXT
);

CREATE INDEX account_events_account ON account_events (account_id, at);
CREATE INDEX account_events_at ON account_events (at);

-- Facts about the database itself, e.g. the encryption key check value.
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL
);
