-- Which transaction last wrote each row (`written_by`), so a reload asks only for the rows written
-- since its last look: rows whose writer is not older than the oldest transaction still running at
-- that look (its snapshot's xmin). A per-row version alone cannot say this, and a store-wide sequence
-- (as on SQLite) would skip rows, since concurrent transactions commit out of sequence order.
ALTER TABLE accounts ADD COLUMN written_by xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX accounts_written_by ON accounts (written_by);

CREATE OR REPLACE FUNCTION accounts_bump_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version = OLD.version THEN NEW.version := OLD.version + 1; END IF;
    NEW.written_by := pg_current_xact_id();
    RETURN NEW;
END $$;
