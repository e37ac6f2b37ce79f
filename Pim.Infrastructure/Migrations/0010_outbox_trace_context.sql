-- OpenTelemetry (issue 17): the W3C trace context (traceparent) of the request whose transaction wrote an outbox
-- message, so that its delivery, later and elsewhere, is a span linked to that request. Null for messages written
-- outside a trace and for those written before this migration.
ALTER TABLE outbox_messages ADD COLUMN trace_parent text NULL;
