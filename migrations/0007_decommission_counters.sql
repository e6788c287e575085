-- Consecutive numbers of the conceptos técnicos de baja per year (CTB-YYYY-NNNN), allocated
-- like case numbers: a counter row updated inside the concept's own transaction (gap-free, never
-- reused, safe with concurrent writers). Replaces `count(*) + 1`.
CREATE TABLE decommission_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
) STRICT;

-- Each year continues after the highest number already issued.
INSERT INTO decommission_counters(year, last)
SELECT CAST(substr(number, 5, 4) AS INTEGER), max(CAST(substr(number, 10) AS INTEGER))
FROM decommission_concepts
WHERE number GLOB 'CTB-[0-9][0-9][0-9][0-9]-[0-9]*'
GROUP BY 1;
