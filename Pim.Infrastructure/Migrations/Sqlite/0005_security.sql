-- Security review (issue 9). SQLite dialect.
-- Audit actors: whether the actor is a principal, a service acting with a scope, or Pim itself, and its token's tenant.
ALTER TABLE audit_events ADD COLUMN actor_kind text NOT NULL DEFAULT 'principal'
    CHECK (actor_kind IN ('principal', 'service', 'system'));
ALTER TABLE audit_events ADD COLUMN actor_tenant_id text NULL;
-- Rows written before this migration: Pim's own events are known by their actor; the append-only trigger is lifted for
-- this one backfill, inside the migration's transaction.
DROP TRIGGER audit_events_no_update;
UPDATE audit_events SET actor_kind = 'system' WHERE actor_id = 'pim-system';
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;

-- A disabled principal (a leaver, a blocked account) holds nothing until it is enabled again.
ALTER TABLE principals ADD COLUMN disabled_at text NULL;

-- Idempotency keys are claimed and answered in the request's own transaction. An answer that carried a one-time secret
-- is not kept: only its status and Location (answer_withheld = 1). Answers kept before that carried webhook secrets are
-- deleted, as are claims the old two-step scheme left unanswered.
DELETE FROM idempotency_keys WHERE status_code IS NULL OR body LIKE '%whsec_%';
ALTER TABLE idempotency_keys ADD COLUMN answer_withheld integer NOT NULL DEFAULT 0;
