-- Slack deliveries go through the outbox as messages of their own kind. SQLite changes a CHECK constraint only by
-- rebuilding the table (inside the migration's transaction).
CREATE TABLE outbox_messages_new (
    tenant_id        text        NOT NULL,
    message_id       text        NOT NULL,
    kind             text        NOT NULL CHECK (kind IN ('email', 'webhook', 'slack')),
    payload          text        NOT NULL,
    summary          text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL,
    next_attempt_at  text        NOT NULL,
    locked_until     text        NULL,
    last_error       text        NULL,
    created_at       text        NOT NULL,
    delivered_at     text        NULL,
    topic            text        NULL,
    trace_parent     text        NULL,
    PRIMARY KEY (tenant_id, message_id)
);
INSERT INTO outbox_messages_new (tenant_id, message_id, kind, payload, summary, status, attempts, next_attempt_at, locked_until, last_error,
    created_at, delivered_at, topic, trace_parent)
SELECT tenant_id, message_id, kind, payload, summary, status, attempts, next_attempt_at, locked_until, last_error,
    created_at, delivered_at, topic, trace_parent FROM outbox_messages;
DROP TABLE outbox_messages;
ALTER TABLE outbox_messages_new RENAME TO outbox_messages;
CREATE INDEX outbox_messages_due ON outbox_messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_messages_by_status ON outbox_messages (tenant_id, status, message_id);
CREATE INDEX outbox_messages_by_topic ON outbox_messages (tenant_id, topic, created_at) WHERE topic IS NOT NULL;
