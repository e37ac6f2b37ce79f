-- Settings saved before this migration get the new defaults a fresh tenant has: approvers reminded an hour before a
-- stage times out, activations warned of 15 minutes and assignments 14 days before they end (TimeSpan as System.Text.Json
-- writes it); assignments that end get their warning under those defaults (in the spelling Pim writes instants).
UPDATE role_settings SET document = json_set(document, '$.notifications.onApprovalNeeded.remindBefore', '01:00:00',
    '$.notifications.beforeExpiry', json('{"activation":"00:15:00","assignment":"14.00:00:00"}'));
UPDATE role_assignments SET expiry_warning_at = strftime('%Y-%m-%d %H:%M:%f+00:00', ends_at, '-14 days')
WHERE ends_at IS NOT NULL AND julianday(ends_at) - julianday(starts_at) > 14;
