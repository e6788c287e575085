-- Linked cases (issue 13): `duplicate` (from is a duplicate of to; from is cancelled with the
-- link), `related` (symmetric: stored once, shown on both cases), `parent` (from is a child of
-- to). One link per pair of cases whatever its direction; a case has at most one parent and is
-- the duplicate of at most one case. Parent cycles are refused by the core (tickets/links.rs).
CREATE TABLE ticket_links (
    id          INTEGER PRIMARY KEY,
    from_ticket INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    to_ticket   INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('duplicate', 'related', 'parent')),
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL,
    CHECK (from_ticket <> to_ticket)
) STRICT;
CREATE UNIQUE INDEX ticket_links_pair
    ON ticket_links(min(from_ticket, to_ticket), max(from_ticket, to_ticket));
CREATE UNIQUE INDEX ticket_links_one_parent ON ticket_links(from_ticket) WHERE kind = 'parent';
CREATE UNIQUE INDEX ticket_links_one_original ON ticket_links(from_ticket) WHERE kind = 'duplicate';
CREATE INDEX ticket_links_to ON ticket_links(to_ticket, kind);
