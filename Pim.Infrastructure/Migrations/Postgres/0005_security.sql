-- Rows written before this migration: Pim's own events are known by their actor; the append-only trigger is lifted for
-- this one backfill, inside the migration's transaction.
ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
UPDATE audit_events SET actor_kind = 'system' WHERE actor_id = 'pim-system';
ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;
