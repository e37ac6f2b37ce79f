-- Pim schema, both stores (Migrator gives the DbUp variables each dialect's spelling: timestamps are timestamptz on
-- PostgreSQL and, on SQLite, fixed-width UTC ISO 8601 text, so that text comparison is time comparison). Every table leads
-- with tenant_id. Each dialect's own 0001 makes the audit trail append-only.
CREATE TABLE tenants (
    tenant_id     text        PRIMARY KEY,
    display_name  text        NOT NULL,
    consented_at  $timestamp$ NULL,
    consented_by  text        NULL,
    created_at    $timestamp$ NOT NULL,
    updated_at    $timestamp$ NOT NULL
);

CREATE TABLE sign_ups (
    tenant_id     text        NOT NULL REFERENCES tenants (tenant_id),
    area          text        NOT NULL,
    scope         text        NOT NULL,
    signed_up_at  $timestamp$ NOT NULL,
    signed_up_by  text        NOT NULL,
    PRIMARY KEY (tenant_id, area, scope)
);

CREATE TABLE principals (
    tenant_id          text        NOT NULL REFERENCES tenants (tenant_id),
    principal_id       text        NOT NULL,
    kind               text        NOT NULL CHECK (kind IN ('user', 'guest', 'servicePrincipal', 'group')),
    display_name       text        NOT NULL,
    email              text        NULL,
    home_tenant_id     text        NULL,
    home_principal_id  text        NULL,
    created_at         $timestamp$ NOT NULL,
    updated_at         $timestamp$ NOT NULL,
    PRIMARY KEY (tenant_id, principal_id)
);
CREATE UNIQUE INDEX principals_home_identity ON principals (tenant_id, home_tenant_id, home_principal_id)
    WHERE home_tenant_id IS NOT NULL;

CREATE TABLE group_memberships (
    tenant_id  text NOT NULL,
    member_id  text NOT NULL,
    group_id   text NOT NULL,
    PRIMARY KEY (tenant_id, member_id, group_id),
    FOREIGN KEY (tenant_id, member_id) REFERENCES principals (tenant_id, principal_id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, group_id) REFERENCES principals (tenant_id, principal_id)
);

CREATE TABLE role_assignments (
    tenant_id      text        NOT NULL,
    assignment_id  text        NOT NULL,
    principal_id   text        NOT NULL,
    role_id        text        NOT NULL,
    scope          text        NOT NULL,
    type           text        NOT NULL CHECK (type IN ('eligible', 'active')),
    starts_at      $timestamp$ NOT NULL,
    ends_at        $timestamp$ NULL,
    justification  text        NULL,
    created_at     $timestamp$ NOT NULL,
    created_by     text        NOT NULL,
    version        integer     NOT NULL,
    PRIMARY KEY (tenant_id, assignment_id),
    FOREIGN KEY (tenant_id, principal_id) REFERENCES principals (tenant_id, principal_id)
);
-- One assignment per principal, role and scope; also the index of the access-evaluation hot path.
CREATE UNIQUE INDEX role_assignments_principal_role_scope ON role_assignments (tenant_id, principal_id, role_id, scope);
CREATE INDEX role_assignments_role ON role_assignments (tenant_id, role_id, assignment_id);

CREATE TABLE role_settings (
    tenant_id   text        NOT NULL REFERENCES tenants (tenant_id),
    role_id     text        NOT NULL,
    scope       text        NOT NULL,
    document    text        NOT NULL,
    version     integer     NOT NULL,
    updated_at  $timestamp$ NOT NULL,
    updated_by  text        NOT NULL,
    PRIMARY KEY (tenant_id, role_id, scope)
);

CREATE TABLE activation_requests (
    tenant_id               text        NOT NULL,
    request_id              text        NOT NULL,
    principal_id            text        NOT NULL,
    role_id                 text        NOT NULL,
    scope                   text        NOT NULL,
    assignment_id           text        NOT NULL,
    status                  text        NOT NULL CHECK (status IN ('pendingApproval', 'scheduled', 'active', 'denied', 'timedOut',
                                                                  'canceled', 'deactivated', 'expired', 'revoked')),
    duration_seconds        bigint      NOT NULL,
    justification           text        NULL,
    ticket_number           text        NULL,
    ticket_system           text        NULL,
    requested_at            $timestamp$ NOT NULL,
    starts_at               $timestamp$ NOT NULL,
    ends_at                 $timestamp$ NULL,
    eligibility_ends_at     $timestamp$ NULL,
    approval_deadline       $timestamp$ NULL,
    decision                text        NULL CHECK (decision IN ('approved', 'denied')),
    decided_by              text        NULL,
    decided_at              $timestamp$ NULL,
    decision_justification  text        NULL,
    closed_at               $timestamp$ NULL,
    version                 integer     NOT NULL,
    PRIMARY KEY (tenant_id, request_id)
);
-- At most one open request per principal, role and scope: two racing requests yield one 201 and one 409.
CREATE UNIQUE INDEX activation_requests_one_open ON activation_requests (tenant_id, principal_id, role_id, scope)
    WHERE status IN ('pendingApproval', 'scheduled', 'active');
CREATE INDEX activation_requests_by_assignment ON activation_requests (tenant_id, assignment_id)
    WHERE status IN ('pendingApproval', 'scheduled', 'active');
CREATE INDEX activation_requests_pending ON activation_requests (tenant_id, requested_at)
    WHERE status = 'pendingApproval';
CREATE INDEX activation_requests_by_principal ON activation_requests (tenant_id, principal_id, request_id);

-- The audit trail: who, what, when, where from and why. The event id is an identity column with (tenant_id, event_id)
-- as the key on PostgreSQL, and SQLite's INTEGER PRIMARY KEY AUTOINCREMENT.
CREATE TABLE audit_events (
    tenant_id       text        NOT NULL,
    event_id        $audit_event_id$,
    occurred_at     $timestamp$ NOT NULL,
    actor_id        text        NOT NULL,
    action          text        NOT NULL,
    target_type     text        NOT NULL,
    target_id       text        NOT NULL,
    principal_id    text        NULL,
    role_id         text        NULL,
    scope           text        NULL,
    justification   text        NULL,
    ticket_number   text        NULL,
    ticket_system   text        NULL,
    client_ip       text        NULL,
    user_agent      text        NULL,
    correlation_id  text        NULL,
    details         text        NULL$audit_primary_key$
);
CREATE INDEX audit_events_occurred_at ON audit_events (tenant_id, occurred_at);
