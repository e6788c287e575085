-- Changes seen by other workstations (issue 17, «Several PCs at once»): after an insert, update
-- or delete on a table whose rows a list shows, a notice on the channel `mesa_cambios` with the
-- payload `<list>:<id>` — the list that shows the row and the id of the row in it (a case's
-- follow-up, event, survey, visit or link notifies `tickets:<case id>`; an equipment's event
-- `assets:<id>`; a plan item `maintenance_plans:<id>`; an action `plan_findings:<id>`).
-- PostgreSQL delivers notices at COMMIT only (a rolled-back write sends nothing) and folds equal
-- payloads of one transaction into one, so a case edited in ten fields is one notice.
-- No SQLite twin: one SQLite file is used by one PC, there is nobody to tell.
-- The bulk copy of `mesa server migrate` (`mesa.copying`) sends nothing.
CREATE FUNCTION mesa_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    j jsonb;
BEGIN
    IF mesa_copying() THEN RETURN NULL; END IF;
    IF TG_OP = 'DELETE' THEN j := to_jsonb(OLD); ELSE j := to_jsonb(NEW); END IF;
    IF j ->> TG_ARGV[1] IS NOT NULL THEN
        PERFORM pg_notify('mesa_cambios', TG_ARGV[0] || ':' || (j ->> TG_ARGV[1]));
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER notify_tickets AFTER INSERT OR UPDATE OR DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('tickets', 'id');
CREATE TRIGGER notify_ticket_events AFTER INSERT ON ticket_events
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('tickets', 'ticket_id');
CREATE TRIGGER notify_ticket_followups AFTER INSERT OR UPDATE OR DELETE ON ticket_followups
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('tickets', 'ticket_id');
CREATE TRIGGER notify_surveys AFTER INSERT OR UPDATE OR DELETE ON surveys
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('tickets', 'ticket_id');
CREATE TRIGGER notify_ticket_visits AFTER INSERT OR UPDATE OR DELETE ON ticket_visits
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('tickets', 'ticket_id');
CREATE TRIGGER notify_ticket_links AFTER INSERT OR UPDATE OR DELETE ON ticket_links
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('tickets', 'from_ticket');
CREATE TRIGGER notify_assets AFTER INSERT OR UPDATE OR DELETE ON assets
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('assets', 'id');
CREATE TRIGGER notify_asset_events AFTER INSERT ON asset_events
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('assets', 'asset_id');
CREATE TRIGGER notify_maintenance_plans AFTER INSERT OR UPDATE OR DELETE ON maintenance_plans
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('maintenance_plans', 'id');
CREATE TRIGGER notify_maintenance_items AFTER INSERT OR UPDATE OR DELETE ON maintenance_items
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('maintenance_plans', 'plan_id');
CREATE TRIGGER notify_maintenance_logs AFTER INSERT OR UPDATE OR DELETE ON maintenance_logs
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('maintenance_logs', 'id');
CREATE TRIGGER notify_plan_findings AFTER INSERT OR UPDATE OR DELETE ON plan_findings
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('plan_findings', 'id');
CREATE TRIGGER notify_plan_actions AFTER INSERT OR UPDATE OR DELETE ON plan_actions
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('plan_findings', 'finding_id');
CREATE TRIGGER notify_risks AFTER INSERT OR UPDATE OR DELETE ON risks
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('risks', 'id');
CREATE TRIGGER notify_mail_messages AFTER INSERT OR UPDATE OR DELETE ON mail_messages
    FOR EACH ROW EXECUTE FUNCTION mesa_notify_change('mail_messages', 'id');
