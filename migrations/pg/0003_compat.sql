-- More of SQLite's functions that core's statements use, so that they stay one text on both
-- engines (issue 17). Functions only: the tables are unchanged, so no SQLite twin (the
-- PostgreSQL schema still equals SQLite's after its migration 0019).

-- SQLite's json_each(json) as core uses it: `SELECT value FROM json_each(?1)` over a JSON array
-- of strings (or an object). `value` is the element as text (a string without its quotes, like
-- SQLite's), `key` the array index (from 0) or the object key, as text. Invalid JSON is an
-- error, as in SQLite ("malformed JSON"). PostgreSQL's own json_each(json) is not shadowed: a
-- text argument (or an untyped parameter) resolves to this one.
CREATE FUNCTION json_each(doc text) RETURNS TABLE(key text, value text)
LANGUAGE sql IMMUTABLE AS $$
    SELECT (e.ord - 1)::text, e.value
      FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(doc::jsonb) = 'array'
                                          THEN doc::jsonb ELSE '[]'::jsonb END)
           WITH ORDINALITY AS e(value, ord)
    UNION ALL
    SELECT o.key, o.value
      FROM jsonb_each_text(CASE WHEN jsonb_typeof(doc::jsonb) = 'object'
                                THEN doc::jsonb ELSE '{}'::jsonb END) AS o
$$;
