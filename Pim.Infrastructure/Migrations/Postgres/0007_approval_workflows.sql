-- Settings saved before this migration get the new defaults a fresh tenant has: approvers reminded an hour before a
-- stage times out, activations warned of 15 minutes and assignments 14 days before they end (TimeSpan as System.Text.Json
-- writes it); assignments that end get their warning under those defaults.
UPDATE role_settings SET document = jsonb_set(jsonb_set(document::jsonb, '{notifications,onApprovalNeeded,remindBefore}', '"01:00:00"', true),
    '{notifications,beforeExpiry}', '{"activation":"00:15:00","assignment":"14.00:00:00"}', true)::text;
UPDATE role_assignments SET expiry_warning_at = ends_at - interval '14 days'
WHERE ends_at IS NOT NULL AND ends_at - starts_at > interval '14 days';
