-- Scheduled visits (issue 13): at most one current visit per case. Rescheduling updates the
-- row (same id, `sequence` + 1, so a calendar that imported the .ics updates its event);
-- cancelling deletes it. Every change is also a `ticket_events` entry (visit_scheduled,
-- visit_rescheduled, visit_updated, visit_cancelled) written in the same transaction.
CREATE TABLE ticket_visits (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL UNIQUE REFERENCES tickets(id) ON DELETE CASCADE,
    starts_at    TEXT NOT NULL,
    minutes      INTEGER NOT NULL CHECK (minutes BETWEEN 5 AND 1440),
    place        TEXT,
    who          TEXT,
    note         TEXT,
    sequence     INTEGER NOT NULL DEFAULT 0,
    scheduled_by TEXT NOT NULL,
    scheduled_at TEXT NOT NULL
) STRICT;

CREATE INDEX ticket_visits_starts_at ON ticket_visits(starts_at);
