-- Speed (issue 17): every lookup of a case by its number (`WHERE number = ? COLLATE NOCASE`:
-- opening a case, every action on it, registering, mail threading) scanned the whole unique
-- index, whose collation is BINARY: 200,000 comparisons per lookup. An index in the lookup's
-- collation answers it directly.
CREATE INDEX tickets_number_nocase ON tickets(number COLLATE NOCASE);
