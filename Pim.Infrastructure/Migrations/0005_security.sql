-- Security review (issue 9). Each dialect's own 0005 then backfills the audit actors.
-- Audit actors: whether the actor is a principal, a service acting with a scope, or Pim itself, and its token's tenant.
ALTER TABLE audit_events ADD COLUMN actor_kind text NOT NULL DEFAULT 'principal'
    CHECK (actor_kind IN ('principal', 'service', 'system'));
ALTER TABLE audit_events ADD COLUMN actor_tenant_id text NULL;

-- A disabled principal (a leaver, a blocked account) holds nothing until it is enabled again.
ALTER TABLE principals ADD COLUMN disabled_at $timestamp$ NULL;

-- Idempotency keys are claimed and answered in the request's own transaction. An answer that carried a one-time secret
-- is not kept: only its status and Location (answer_withheld = 1). Answers kept before that carried webhook secrets are
-- deleted, as are claims the old two-step scheme left unanswered.
DELETE FROM idempotency_keys WHERE status_code IS NULL OR body LIKE '%whsec_%';
ALTER TABLE idempotency_keys ADD COLUMN answer_withheld integer NOT NULL DEFAULT 0;

-- Requests waiting for a decision (approval, or an extension of an active activation), paged by key for /approvals.
DROP INDEX activation_requests_pending;
DROP INDEX activation_requests_extension_pending;
CREATE INDEX activation_requests_awaiting ON activation_requests (tenant_id, request_id)
    WHERE status = 'pendingApproval' OR (status = 'active' AND extension_requested_at IS NOT NULL);
CREATE INDEX activation_requests_awaiting_roles ON activation_requests (tenant_id, role_id, scope)
    WHERE status = 'pendingApproval' OR (status = 'active' AND extension_requested_at IS NOT NULL);

-- Fan-out emails are counted per tenant and topic (kind and role), so that they can be bounded per window.
ALTER TABLE outbox_messages ADD COLUMN topic text NULL;
CREATE INDEX outbox_messages_by_topic ON outbox_messages (tenant_id, topic, created_at) WHERE topic IS NOT NULL;
