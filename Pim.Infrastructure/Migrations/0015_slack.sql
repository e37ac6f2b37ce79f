-- Slack approvals (issue 29). A tenant's connected workspace: the bot token is Data Protection ciphertext (its keys are
-- outside the database), routes are JSON ([{"roleId":…,"scope":…,"channel":…}]).
CREATE TABLE slack_connections (
    tenant_id        text        NOT NULL REFERENCES tenants (tenant_id),
    team_id          text        NOT NULL,
    channel          text        NOT NULL,
    routes           text        NOT NULL,
    bot_token        text        NOT NULL,
    connected_at     $timestamp$ NOT NULL,
    connected_by     text        NOT NULL,
    PRIMARY KEY (tenant_id)
);

-- Every copy of a request's approval message that Slack accepted (chat.postMessage's channel and ts): each is updated
-- (chat.update) when the request changes.
CREATE TABLE slack_messages (
    tenant_id        text        NOT NULL,
    request_id       text        NOT NULL,
    channel          text        NOT NULL,
    ts               text        NOT NULL,
    posted_at        $timestamp$ NOT NULL,
    PRIMARY KEY (tenant_id, request_id, channel, ts)
);

-- Interactions already answered, by their signature, until their timestamp is too old to be accepted anyway: a
-- replayed interaction is refused by every replica.
CREATE TABLE slack_interactions (
    signature        text        NOT NULL PRIMARY KEY,
    expires_at       $timestamp$ NOT NULL
);
CREATE INDEX slack_interactions_expiry ON slack_interactions (expires_at);
