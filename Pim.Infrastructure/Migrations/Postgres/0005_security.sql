-- Security review (issue 9).
-- Audit actors: whether the actor is a principal, a service acting with a scope, or Pim itself, and its token's tenant.
ALTER TABLE audit_events ADD COLUMN actor_kind text NOT NULL DEFAULT 'principal'
    CHECK (actor_kind IN ('principal', 'service', 'system'));
ALTER TABLE audit_events ADD COLUMN actor_tenant_id text NULL;
-- Rows written before this migration: Pim's own events are known by their actor; the append-only trigger is lifted for
-- this one backfill, inside the migration's transaction.
ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only;
UPDATE audit_events SET actor_kind = 'system' WHERE actor_id = 'pim-system';
ALTER TABLE audit_events ENABLE TRIGGER audit_events_append_only;

-- A disabled principal (a leaver, a blocked account) holds nothing until it is enabled again.
ALTER TABLE principals ADD COLUMN disabled_at timestamptz NULL;
