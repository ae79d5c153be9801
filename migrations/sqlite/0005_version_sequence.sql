-- Row versions come from one store-wide sequence instead of counting per row: every insert or update
-- takes the next number, so "which rows changed since I last looked" is one indexed range read
-- (`version > last seen`), not a scan of every row's version. Still increasing per row, so a reload
-- never installs an older copy. The sequence only grows (a deleted row does not give its number back).
-- SQLite only: on PostgreSQL concurrent transactions commit out of sequence order, so "versions above
-- the last one seen" could skip a row; there each row names the transaction that wrote it (postgres 0002).
CREATE TABLE account_versions (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    latest INTEGER NOT NULL
);
INSERT INTO account_versions (id, latest) SELECT 1, coalesce(max(version), 0) FROM accounts;

DROP TRIGGER accounts_version;
CREATE TRIGGER accounts_version AFTER UPDATE ON accounts
WHEN new.version = old.version
BEGIN
    UPDATE account_versions SET latest = latest + 1 WHERE id = 1;
    UPDATE accounts SET version = (SELECT latest FROM account_versions WHERE id = 1) WHERE id = new.id;
END;

CREATE TRIGGER accounts_version_on_insert AFTER INSERT ON accounts
BEGIN
    UPDATE account_versions SET latest = latest + 1 WHERE id = 1;
    UPDATE accounts SET version = (SELECT latest FROM account_versions WHERE id = 1) WHERE id = new.id;
END;

CREATE INDEX accounts_by_version ON accounts (version);
