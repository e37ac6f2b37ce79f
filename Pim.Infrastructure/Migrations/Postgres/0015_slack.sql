-- Slack deliveries go through the outbox as messages of their own kind.
ALTER TABLE outbox_messages DROP CONSTRAINT outbox_messages_kind_check;
ALTER TABLE outbox_messages ADD CONSTRAINT outbox_messages_kind_check CHECK (kind IN ('email', 'webhook', 'slack'));
