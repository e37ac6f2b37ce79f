-- Approval workflows (issue 13): stages and quorum, escalation, auto-approval, break-glass, expiry warnings.
-- A request keeps the approval stages of the role's settings when it was made, with every decision (JSON of
-- ApprovalProgress), and so does an extension waiting for approval. What time alone makes due besides the status
-- (reminders, escalations, expiry warnings, break-glass follow-ups) is found by notice_at: when the next notice not sent
-- yet is due (notices_sent: the keys of those sent, each once).
ALTER TABLE activation_requests ADD COLUMN approval text NULL;
ALTER TABLE activation_requests ADD COLUMN extension_approval text NULL;
ALTER TABLE activation_requests ADD COLUMN auto_approved_by text NULL;
ALTER TABLE activation_requests ADD COLUMN break_glass integer NOT NULL DEFAULT 0;
ALTER TABLE activation_requests ADD COLUMN follow_up text NULL;
ALTER TABLE activation_requests ADD COLUMN expiry_warning_seconds bigint NULL;
ALTER TABLE activation_requests ADD COLUMN notices_sent text NULL;
ALTER TABLE activation_requests ADD COLUMN notice_at $timestamp$ NULL;
CREATE INDEX activation_requests_due_notice ON activation_requests (notice_at) WHERE notice_at IS NOT NULL;

-- Assignments are warned of before they end: when (due, NULL once sent) and when it was sent.
ALTER TABLE role_assignments ADD COLUMN expiry_warning_at $timestamp$ NULL;
ALTER TABLE role_assignments ADD COLUMN expiry_warned_at $timestamp$ NULL;
CREATE INDEX role_assignments_due_expiry_warning ON role_assignments (expiry_warning_at) WHERE expiry_warning_at IS NOT NULL;
CREATE INDEX role_assignments_awaiting_expiry_warning ON role_assignments (tenant_id, role_id, ends_at)
    WHERE ends_at IS NOT NULL AND expiry_warned_at IS NULL;
