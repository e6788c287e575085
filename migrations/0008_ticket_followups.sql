-- 0008: follow-ups (seguimientos) of a case: what was done, what the requester was told, and
-- internal notes never shown or sent to the requester. Optional time spent and whether it was
-- a contact with the requester (the first public follow-up or contact is the first attention).
CREATE TABLE ticket_followups (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'internal')),
    body       TEXT NOT NULL,
    minutes    INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 0 AND 100000),
    contact    INTEGER NOT NULL DEFAULT 0 CHECK (contact IN (0, 1))
) STRICT;
CREATE INDEX ticket_followups_ticket ON ticket_followups(ticket_id, id);
-- «Tiempo invertido» in the report sums minutes by the follow-up's time.
CREATE INDEX ticket_followups_at ON ticket_followups(at) WHERE minutes IS NOT NULL;
