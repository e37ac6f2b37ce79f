-- Governance (issue 16): security alerts and access reviews, computed from what Pim already knows. None of these tables
-- changes who holds what (an access review removes assignments through the normal path), so none needs the grant
-- index's change feed.

-- Where an assignment came from: Pim itself, or directory sync (the operator mirroring standing access as the directory
-- has it). Rows written before this migration: directory sync is known by the audit event that created them.
ALTER TABLE role_assignments ADD COLUMN source text NOT NULL DEFAULT 'pim' CHECK (source IN ('pim', 'directorySync'));
UPDATE role_assignments SET source = 'directorySync'
WHERE (tenant_id, assignment_id) IN (
    SELECT e.tenant_id, e.target_id FROM audit_events e WHERE e.action = 'assignment.created' AND e.actor_kind = 'service');

-- When a principal's token last called Pim, written off the hot path in batches (stale accounts).
CREATE TABLE principal_sightings (
    tenant_id     text        NOT NULL,
    principal_id  text        NOT NULL,
    last_seen_at  $timestamp$ NOT NULL,
    PRIMARY KEY (tenant_id, principal_id)
);

-- What the alerts read: activations per principal in a window, and whether an assignment was activated lately.
CREATE INDEX activation_requests_requested ON activation_requests (tenant_id, requested_at);
CREATE INDEX activation_requests_by_assignment_started ON activation_requests (tenant_id, assignment_id, starts_at);

-- Alerts: a tenant's settings per alert type (absent: the defaults), versioned for If-Match.
CREATE TABLE alert_settings (
    tenant_id       text        NOT NULL REFERENCES tenants (tenant_id),
    alert_type      text        NOT NULL,
    enabled         integer     NOT NULL,
    maximum_count   integer     NULL,
    period_seconds  bigint      NULL,
    version         integer     NOT NULL,
    updated_at      $timestamp$ NOT NULL,
    updated_by      text        NOT NULL,
    PRIMARY KEY (tenant_id, alert_type)
);

-- Incidents: one per alert and subject (a role at a scope) while its condition holds; at most one unresolved (open or
-- dismissed) per subject, so two evaluations racing raise it once.
CREATE TABLE alert_incidents (
    tenant_id                text        NOT NULL,
    incident_id              text        NOT NULL,
    alert_type               text        NOT NULL,
    role_id                  text        NOT NULL,
    scope                    text        NOT NULL,
    raised_at                $timestamp$ NOT NULL,
    resolved_at              $timestamp$ NULL,
    dismissed_at             $timestamp$ NULL,
    dismissed_by             text        NULL,
    dismissal_justification  text        NULL,
    version                  integer     NOT NULL,
    PRIMARY KEY (tenant_id, incident_id)
);
CREATE UNIQUE INDEX alert_incidents_one_unresolved ON alert_incidents (tenant_id, alert_type, role_id, scope) WHERE resolved_at IS NULL;

-- When each consented tenant's alerts are evaluated next; a sweeper claims the row (FOR UPDATE SKIP LOCKED on
-- PostgreSQL), so one replica evaluates a tenant at a time.
CREATE TABLE alert_schedules (
    tenant_id           text        PRIMARY KEY,
    next_evaluation_at  $timestamp$ NOT NULL,
    evaluated_at        $timestamp$ NULL
);
CREATE INDEX alert_schedules_due ON alert_schedules (next_evaluation_at);

-- Access reviews: the definition, its instances (started on schedule, once), and the items of each instance (the
-- assignments in scope when it started, each with a recommendation; its id is the assignment's).
CREATE TABLE access_reviews (
    tenant_id               text        NOT NULL REFERENCES tenants (tenant_id),
    review_id               text        NOT NULL,
    display_name            text        NOT NULL,
    scope                   text        NOT NULL,
    -- ',exchange-administrator,owner,' (empty ',': every role), matched with LIKE '%,' || role_id || ',%'
    role_ids                text        NOT NULL,
    assignment_types        text        NOT NULL CHECK (assignment_types IN ('eligible', 'active', 'both')),
    reviewers               text        NOT NULL CHECK (reviewers IN ('self', 'roleAdministrators', 'principals')),
    reviewer_ids            text        NOT NULL,
    recurrence_seconds      bigint      NULL,
    duration_seconds        bigint      NOT NULL,
    default_decision        text        NOT NULL CHECK (default_decision IN ('keep', 'remove', 'recommendation')),
    auto_apply              integer     NOT NULL,
    justification_required  integer     NOT NULL,
    created_at              $timestamp$ NOT NULL,
    created_by              text        NOT NULL,
    next_instance_at        $timestamp$ NULL,
    instance_count          integer     NOT NULL,
    PRIMARY KEY (tenant_id, review_id)
);
CREATE INDEX access_reviews_due ON access_reviews (next_instance_at) WHERE next_instance_at IS NOT NULL;

CREATE TABLE access_review_instances (
    tenant_id    text        NOT NULL,
    instance_id  text        NOT NULL,
    review_id    text        NOT NULL,
    sequence     integer     NOT NULL,
    starts_at    $timestamp$ NOT NULL,
    ends_at      $timestamp$ NOT NULL,
    remind_at    $timestamp$ NOT NULL,
    reminded_at  $timestamp$ NULL,
    ended_at     $timestamp$ NULL,
    applied_at   $timestamp$ NULL,
    PRIMARY KEY (tenant_id, instance_id),
    FOREIGN KEY (tenant_id, review_id) REFERENCES access_reviews (tenant_id, review_id)
);
CREATE UNIQUE INDEX access_review_instances_sequence ON access_review_instances (tenant_id, review_id, sequence);
CREATE INDEX access_review_instances_remind ON access_review_instances (remind_at) WHERE reminded_at IS NULL;
CREATE INDEX access_review_instances_end ON access_review_instances (ends_at) WHERE ended_at IS NULL;
CREATE INDEX access_review_instances_apply ON access_review_instances (ended_at) WHERE ended_at IS NOT NULL AND applied_at IS NULL;

CREATE TABLE access_review_items (
    tenant_id           text        NOT NULL,
    instance_id         text        NOT NULL,
    assignment_id       text        NOT NULL,
    principal_id        text        NOT NULL,
    role_id             text        NOT NULL,
    scope               text        NOT NULL,
    assignment_type     text        NOT NULL CHECK (assignment_type IN ('eligible', 'active')),
    assigned_at         $timestamp$ NOT NULL,
    last_activity_at    $timestamp$ NULL,
    recommendation      text        NOT NULL CHECK (recommendation IN ('keep', 'remove')),
    decision            text        NULL CHECK (decision IN ('keep', 'remove')),
    decided_by          text        NULL,
    decided_at          $timestamp$ NULL,
    justification       text        NULL,
    decided_by_default  integer     NOT NULL DEFAULT 0,
    applied_at          $timestamp$ NULL,
    outcome             text        NULL CHECK (outcome IN ('removed', 'alreadyGone')),
    PRIMARY KEY (tenant_id, instance_id, assignment_id),
    FOREIGN KEY (tenant_id, instance_id) REFERENCES access_review_instances (tenant_id, instance_id)
);
CREATE INDEX access_review_items_principal ON access_review_items (tenant_id, instance_id, principal_id);
CREATE INDEX access_review_items_to_apply ON access_review_items (tenant_id, instance_id)
    WHERE decision = 'remove' AND applied_at IS NULL;
