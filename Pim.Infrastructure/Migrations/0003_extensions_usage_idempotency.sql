-- Extensions of active activations that wait for approval.
ALTER TABLE activation_requests ADD COLUMN extension_duration_seconds bigint NULL;
ALTER TABLE activation_requests ADD COLUMN extension_justification text NULL;
ALTER TABLE activation_requests ADD COLUMN extension_requested_at $timestamp$ NULL;
ALTER TABLE activation_requests ADD COLUMN extension_deadline $timestamp$ NULL;
CREATE INDEX activation_requests_extension_pending ON activation_requests (tenant_id, extension_requested_at)
    WHERE extension_requested_at IS NOT NULL;

-- Which clients an active assignment granted access to, and when last ("what will make eligible break?").
CREATE TABLE assignment_usage (
    tenant_id       text        NOT NULL,
    assignment_id   text        NOT NULL,
    client_id       text        NOT NULL,
    client_kind     text        NOT NULL,
    first_used_at   $timestamp$ NOT NULL,
    last_used_at    $timestamp$ NOT NULL,
    uses            bigint      NOT NULL,
    PRIMARY KEY (tenant_id, assignment_id, client_id)
);

-- Idempotency-Key: the first response to a key is replayed for 24 hours.
CREATE TABLE idempotency_keys (
    tenant_id       text        NOT NULL,
    caller          text        NOT NULL,
    idempotency_key text        NOT NULL,
    request_hash    text        NOT NULL,
    status_code     integer     NULL,
    content_type    text        NULL,
    location        text        NULL,
    body            text        NULL,
    created_at      $timestamp$ NOT NULL,
    PRIMARY KEY (tenant_id, caller, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
