-- One row per client request (HTTP request or WebSocket turn), written in batches off the request path.
-- Never a token, a key or prompt text: ids, counts and timings only.
CREATE TABLE request_log (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    at               REAL NOT NULL,
    request_id       TEXT NOT NULL,
    route            TEXT NOT NULL,
    transport        TEXT NOT NULL DEFAULT 'http',
    key_id           TEXT,
    account_id       TEXT,
    model            TEXT,
    status           INTEGER NOT NULL,
    error_code       TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    input_tokens     INTEGER,
    cached_tokens    INTEGER,
    output_tokens    INTEGER,
    reasoning_tokens INTEGER,
    ttfb_ms          REAL,
    duration_ms      REAL NOT NULL,
    user_agent       TEXT
);

-- Only `at`: every read is "since T" (then filtered), and each further index about doubled the
-- cost of writing a row (a background cost, but one paid on the same cores as the requests).
CREATE INDEX request_log_at ON request_log (at);

-- Optional per-key limits: NULL means unlimited; `models` is a comma-separated allow-list.
ALTER TABLE api_keys ADD COLUMN tokens_per_day INTEGER;
ALTER TABLE api_keys ADD COLUMN requests_per_minute INTEGER;
ALTER TABLE api_keys ADD COLUMN models TEXT;

-- Per-key use per UTC day (days since 1970-01-01), added to by each request-log batch; what the
-- tokens-per-day limit counts against after a restart.
CREATE TABLE api_key_usage (
    key_id   TEXT NOT NULL,
    day      INTEGER NOT NULL,
    requests INTEGER NOT NULL DEFAULT 0,
    tokens   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (key_id, day)
);
