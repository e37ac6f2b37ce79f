-- SQLite: the audit trail, append-only whatever the client.
CREATE TABLE audit_events (
    tenant_id       text        NOT NULL,
    event_id        INTEGER     PRIMARY KEY AUTOINCREMENT,
    occurred_at     text        NOT NULL,
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
    details         text        NULL
);
CREATE INDEX audit_events_occurred_at ON audit_events (tenant_id, occurred_at);

-- The audit trail is append-only, whatever the client.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'audit_events is append-only');
END;
