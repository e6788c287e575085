-- Full-text search on PostgreSQL (issue 17, «Speed»): the search document of each case in a
-- narrow table of its own, GIN-indexed, kept by triggers on `tickets` (SQLite's twin is the
-- FTS5 table `tickets_fts`, kept by triggers too). It replaces the GIN expression index
-- `tickets_fts` on `tickets`:
--   * counting the matches read every matching case's whole row (17,000 pages of `tickets` for a
--     word in 71,000 of 200,000 cases, about 60 ms); the narrow table has about a third of the
--     pages;
--   * a search with several words made the planner walk the date index and rebuild the document
--     of each case it passed (unaccent and a regular expression, about 40 µs a row); now it only
--     matches the stored document.
-- Positions are stripped (no phrase search or ranking uses them). Not audited: it is derived
-- from the case, whose changes are. No foreign key: `pg_restore --clean` of a dump made before
-- this migration drops and recreates `tickets`, which a reference to it would forbid; the
-- triggers delete the row with its case. Idempotent for the same reason: after such a restore
-- this migration runs again and refills the table.

CREATE TABLE IF NOT EXISTS ticket_search (
    ticket_id BIGINT PRIMARY KEY,
    doc       tsvector NOT NULL
);

CREATE OR REPLACE FUNCTION mesa_ticket_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM ticket_search WHERE ticket_id = OLD.id;
        RETURN NULL;
    END IF;
    INSERT INTO ticket_search(ticket_id, doc)
    VALUES (NEW.id, strip(mesa_fts_doc(NEW.number, NEW.requester, NEW.description, NEW.solution)))
    ON CONFLICT (ticket_id) DO UPDATE SET doc = EXCLUDED.doc;
    IF TG_OP = 'UPDATE' AND NEW.id <> OLD.id THEN
        DELETE FROM ticket_search WHERE ticket_id = OLD.id;
    END IF;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS ticket_search_ai ON tickets;
CREATE TRIGGER ticket_search_ai AFTER INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION mesa_ticket_search();
DROP TRIGGER IF EXISTS ticket_search_au ON tickets;
CREATE TRIGGER ticket_search_au AFTER UPDATE OF id, number, requester, description, solution
    ON tickets FOR EACH ROW EXECUTE FUNCTION mesa_ticket_search();
DROP TRIGGER IF EXISTS ticket_search_ad ON tickets;
CREATE TRIGGER ticket_search_ad AFTER DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION mesa_ticket_search();

TRUNCATE ticket_search;
INSERT INTO ticket_search(ticket_id, doc)
SELECT id, strip(mesa_fts_doc(number, requester, description, solution)) FROM tickets;
CREATE INDEX IF NOT EXISTS ticket_search_doc ON ticket_search USING gin (doc);
DROP INDEX IF EXISTS tickets_fts;
ANALYZE ticket_search;
