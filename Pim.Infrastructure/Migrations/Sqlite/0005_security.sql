-- Rows written before this migration: Pim's own events are known by their actor; the append-only trigger is lifted for
-- this one backfill, inside the migration's transaction.
DROP TRIGGER audit_events_no_update;
UPDATE audit_events SET actor_kind = 'system' WHERE actor_id = 'pim-system';
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
