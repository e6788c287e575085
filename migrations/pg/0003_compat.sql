-- More of SQLite's functions that core's statements use, so that they stay one text on both
-- engines (issue 17), and one audit key that SQLite's typeless coalesce allowed. Tables and
-- columns are unchanged, so no SQLite twin (the PostgreSQL schema still equals SQLite's after
-- its migration 0019).

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

-- The audit key of a plan item (`2026/3`): SQLite's coalesce mixes the plan's year (an
-- integer) with the id as text; PostgreSQL refuses to, so every write on maintenance_items
-- failed. Same key text as on SQLite.
DROP TRIGGER audit_maintenance_items ON maintenance_items;
CREATE TRIGGER audit_maintenance_items AFTER INSERT OR UPDATE OR DELETE ON maintenance_items
    FOR EACH ROW EXECUTE FUNCTION mesa_audit('coalesce((SELECT year::text FROM maintenance_plans WHERE id = X.plan_id), X.plan_id::text) || ''/'' || X.position');
