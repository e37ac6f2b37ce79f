-- Notifications: the transactional outbox, webhook subscriptions, and indexes for the sweeper.
CREATE TABLE outbox_messages (
    tenant_id        text        NOT NULL,
    message_id       text        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('email', 'webhook')),
    payload          text        NOT NULL,
    summary          text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL,
    next_attempt_at  $timestamp$ NOT NULL,
    locked_until     $timestamp$ NULL,
    last_error       text        NULL,
    created_at       $timestamp$ NOT NULL,
    delivered_at     $timestamp$ NULL,
    PRIMARY KEY (tenant_id, message_id)
);
CREATE INDEX outbox_messages_due ON outbox_messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_messages_by_status ON outbox_messages (tenant_id, status, message_id);

CREATE TABLE webhook_subscriptions (
    tenant_id    text        NOT NULL REFERENCES tenants (tenant_id),
    webhook_id   text        NOT NULL,
    url          text        NOT NULL,
    -- ',pim.activation.approved,pim.activation.denied,': matched with LIKE '%,' || type || ',%'
    event_types  text        NOT NULL,
    secret       text        NOT NULL,
    created_at   $timestamp$ NOT NULL,
    created_by   text        NOT NULL,
    PRIMARY KEY (tenant_id, webhook_id)
);

-- What the sweeper looks for: requests whose recorded status time alone has moved on.
CREATE INDEX activation_requests_due_end ON activation_requests (ends_at) WHERE status IN ('active', 'scheduled');
CREATE INDEX activation_requests_due_start ON activation_requests (starts_at) WHERE status = 'scheduled';
CREATE INDEX activation_requests_due_approval ON activation_requests (approval_deadline) WHERE status = 'pendingApproval';
