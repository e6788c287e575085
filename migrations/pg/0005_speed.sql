-- PostgreSQL twin of migrations/0020_number_nocase_index.sql (issue 17, «Speed»): a case
-- looked up by its number (`number = $1 COLLATE mesa_nocase`) could not use the unique index
-- (default collation) and compared every row under the ICU collation: 100–300 ms per lookup
-- with 200,000 cases, paid by every registration, every action and every case opened.
CREATE INDEX tickets_number_nocase ON tickets(number COLLATE mesa_nocase);
