#!/usr/bin/env bash
# The whole PIM flow with curl, against a running Pim in Development (dev issuer on):
#   onboarding (tenant, principals, consent, sign-up) → make eligible → role settings (MFA + ticket + approval)
#   → activation refused without MFA, then without a ticket → activation → approval → "my roles" → access evaluation
#   (single, batch, and through AuthZEN) → deactivation → a two-stage approval with a quorum → SCIM provisioning → a CI
#   job that activates and waits for the approval → a role of the tenant's own → audit export → a security alert raised
#   in the background, dismissed → an access review: its first instance, a decision, the results as CSV.
# Usage: examples/walkthrough.sh [base-url]   (default http://localhost:5080). Needs curl and jq.
set -euo pipefail
BASE=${1:-${PIM_URL:-http://localhost:5080}}
T=walkthrough-$(date +%s)-$RANDOM   # a fresh tenant each run

# call METHOD PATH TOKEN EXPECTED-STATUS [JSON-BODY] [extra curl args…]: prints the body, fails on another status.
call() {
  local method=$1 path=$2 token=$3 expected=$4 body=${5:-} out status
  shift 5 2>/dev/null || shift $#
  out=$(mktemp)
  status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "$BASE$path" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/json' ${body:+--data "$body"} "$@")
  if [[ "$status" != "$expected" ]]; then
    echo "FAILED: $method $path answered $status, expected $expected:" >&2; cat "$out" >&2; echo >&2; rm -f "$out"; exit 1
  fi
  cat "$out"; rm -f "$out"
}
# scim METHOD PATH TOKEN EXPECTED-STATUS [JSON-BODY]: as call, in application/scim+json.
scim() {
  local method=$1 path=$2 token=$3 expected=$4 body=${5:-} out status
  out=$(mktemp)
  status=$(curl -sS -o "$out" -w '%{http_code}' -X "$method" "$BASE$path" \
    -H "Authorization: Bearer $token" -H 'Content-Type: application/scim+json' ${body:+--data "$body"})
  if [[ "$status" != "$expected" ]]; then
    echo "FAILED: $method $path answered $status, expected $expected:" >&2; cat "$out" >&2; echo >&2; rm -f "$out"; exit 1
  fi
  cat "$out"; rm -f "$out"
}
token() { # token SUBJECT TENANT MFA SCOPES-JSON
  jq -n --arg sub "$1" --arg tid "$2" --argjson mfa "$3" --argjson scopes "$4" \
    '{subject: $sub, tenantId: (if $tid == "" then null else $tid end), mfa: $mfa, scopes: $scopes}' \
  | curl -sS -X POST "$BASE/dev/token" -H 'Content-Type: application/json' --data @- | jq -r .accessToken
}
step() { printf '\n== %s\n' "$*"; }
# poll WHAT PATH TOKEN JQ: what the background work produces, within 30 s — prints the JQ of the first answer that has it.
poll() {
  local what=$1 path=$2 token=$3 filter=$4 found=""
  for _ in $(seq 1 60); do
    found=$(call GET "$path" "$token" 200 | jq -r "$filter // empty")
    [[ -n "$found" ]] && { echo "$found"; return 0; }
    sleep 0.5
  done
  echo "FAILED: the background work did not produce $what within 30 s" >&2; exit 1
}

step "Tokens from the development issuer: the tenant's directory-sync service, a gateway that asks Pim, Alice and Bob"
OPERATOR=$(token sync-service "$T" false '["pim.operator"]')      # service scopes act only in the token's tenant
SERVICE=$(token exchange-gateway "$T" false '["pim.evaluate"]')
ALICE=$(token alice "$T" true '[]')          # Global Administrator, signed in with MFA
BOB=$(token bob "$T" false '[]')             # Exchange Administrator, signed in without MFA
BOB_MFA=$(token bob "$T" true '[]')          # … and after stepping up to MFA

step "Directory sync (operator): the tenant, its people, their standing admin roles"
call PUT "/v1/tenants/$T" "$OPERATOR" 201 '{"displayName":"Contoso"}' | jq -c .
call PUT "/v1/tenants/$T/principals/alice" "$OPERATOR" 201 '{"kind":"user","displayName":"Alice","email":"alice@contoso.example"}' | jq -c .
call PUT "/v1/tenants/$T/principals/bob" "$OPERATOR" 201 '{"kind":"user","displayName":"Bob","email":"bob@contoso.example"}' | jq -c .
call POST "/v1/tenants/$T/role-assignments" "$OPERATOR" 201 '{"principalId":"alice","roleId":"global-administrator","type":"active"}' | jq -c .
BOB_ASSIGNMENT=$(call POST "/v1/tenants/$T/role-assignments" "$OPERATOR" 201 \
  '{"principalId":"bob","roleId":"exchange-administrator","type":"active"}' | jq -r .id)

step "Before consent, PIM operations answer 409 consent-required"
call GET "/v1/tenants/$T/roles/exchange-administrator/settings" "$ALICE" 409 | jq -c '{status, code}'

step "Alice, an active Global Administrator, consents; she becomes Privileged Role and Security Administrator"
call POST "/v1/tenants/$T/consent" "$ALICE" 200 | jq -c .
step "… and signs up directory roles"
call POST "/v1/tenants/$T/sign-ups" "$ALICE" 201 '{"area":"directoryRoles"}' | jq -c .

step "Members of Exchange Administrator"
call GET "/v1/tenants/$T/roles/exchange-administrator/members" "$ALICE" 200 | jq -c '.items[] | {principalId, type, startsAt, endsAt}'

step "Make Bob's standing right eligible: he loses it until he activates"
call POST "/v1/tenants/$T/role-assignments/$BOB_ASSIGNMENT/make-eligible" "$ALICE" 200 | jq -c '{id, type}'
call POST "/v1/tenants/$T/access/evaluation" "$SERVICE" 200 '{"principalId":"bob","roleId":"exchange-administrator"}' | jq -c .

step "Role settings: MFA, justification, a ticket and approval, at most 2 hours; the CI pipeline (below) may activate it too"
ETAG=$(curl -sS -D - -o /dev/null "$BASE/v1/tenants/$T/roles/exchange-administrator/settings" -H "Authorization: Bearer $ALICE" \
  | tr -d '\r' | awk 'tolower($1)=="etag:" {print $2}')
call PUT "/v1/tenants/$T/roles/exchange-administrator/settings" "$ALICE" 200 '{
  "activation": {"maximumDuration":"PT2H","requireMfa":true,"mfaMaxAge":null,"requireJustification":true,"requireTicket":true,
                 "requireApproval":true,"approvers":[],"approvalTimeout":"P1D","allowWorkloads":true},
  "assignment": {"allowPermanentEligible":true,"maximumEligibleDuration":"P365D","allowPermanentActive":true,"maximumActiveDuration":"P180D"},
  "notifications": {"onActivation":{"notifyRoleAdministrators":true,"additionalRecipients":[]}}
}' -H "If-Match: $ETAG" | jq -c .activation

step "Bob's roles: eligible, and what activating requires"
call GET "/v1/tenants/$T/me/roles" "$BOB" 200 | jq -c '.items[] | {roleId, status, validUntil, requirements: .requirements | {requireMfa, requireTicket, requireApproval}}'

step "Activation without MFA: 401 with WWW-Authenticate insufficient_user_authentication"
call POST "/v1/tenants/$T/activation-requests" "$BOB" 401 \
  '{"roleId":"exchange-administrator","duration":"PT1H","justification":"Mailbox migration"}' | jq -c '{status, code}'
step "With MFA but without a ticket: 422 ticket-required"
call POST "/v1/tenants/$T/activation-requests" "$BOB_MFA" 422 \
  '{"roleId":"exchange-administrator","duration":"PT1H","justification":"Mailbox migration"}' | jq -c '{status, code}'
step "With MFA, justification and ticket: pending approval"
REQUEST=$(call POST "/v1/tenants/$T/activation-requests" "$BOB_MFA" 201 \
  '{"roleId":"exchange-administrator","duration":"PT1H","justification":"Mailbox migration","ticket":{"number":"CHG-4711","system":"ServiceNow"}}' \
  | jq -r .id)
call GET "/v1/tenants/$T/activation-requests/$REQUEST" "$BOB" 200 | jq -c '{id, status, duration, ticket}'

step "Alice sees it waiting for her, and approves"
call GET "/v1/tenants/$T/approvals" "$ALICE" 200 | jq -c '.items[] | {id, principalId, roleId, justification}'
call POST "/v1/tenants/$T/activation-requests/$REQUEST/approve" "$ALICE" 200 '{"justification":"Change CHG-4711 approved"}' \
  | jq -c '{status, startsAt, endsAt, decision}'

step "Bob's roles: active, access valid until …"
call GET "/v1/tenants/$T/me/roles" "$BOB" 200 | jq -c '.items[] | {roleId, status, validUntil}'
step "Another service asks: is Bob an Exchange Administrator right now?"
call POST "/v1/tenants/$T/access/evaluation" "$SERVICE" 200 '{"principalId":"bob","roleId":"exchange-administrator"}' | jq -c .
call GET "/v1/tenants/$T/principals/bob/active-roles" "$SERVICE" 200 | jq -c '.items[]'
step "Several questions in one request, answered in order"
call POST "/v1/tenants/$T/access/evaluations" "$SERVICE" 200 '{"principalId":"bob","evaluations":[{"roleId":"exchange-administrator"},
  {"roleId":"global-administrator"},{"principalId":"alice","roleId":"global-administrator"}]}' \
  | jq -c '.evaluations[] | {principalId, roleId, decision, reason}'

step "A gateway asks the same through AuthZEN: the metadata, one evaluation, a batch that stops at the first deny"
call GET "/.well-known/authzen-configuration" "$SERVICE" 200 | jq -c .
call POST "/access/v1/evaluation" "$SERVICE" 200 '{"subject":{"type":"user","id":"bob"},"action":{"name":"hold"},
  "resource":{"type":"role","id":"exchange-administrator","properties":{"scope":"/"}}}' -H 'X-Request-ID: walkthrough-42' | jq -c .
call POST "/access/v1/evaluations" "$SERVICE" 200 '{"subject":{"type":"user","id":"bob"},"action":{"name":"hold"},
  "options":{"evaluations_semantic":"deny_on_first_deny"},"evaluations":[{"resource":{"type":"role","id":"exchange-administrator"}},
  {"resource":{"type":"role","id":"global-administrator"}},{"resource":{"type":"role","id":"sharepoint-administrator"}}]}' | jq -c .

step "Bob is done early and deactivates; the answer is deny again"
call POST "/v1/tenants/$T/activation-requests/$REQUEST/deactivate" "$BOB" 200 | jq -c '{status, endsAt}'
call POST "/v1/tenants/$T/access/evaluation" "$SERVICE" 200 '{"principalId":"bob","roleId":"exchange-administrator"}' | jq -c .

step "Two stages: two of the SharePoint owners approve, then a Privileged Role or Security Administrator"
call PUT "/v1/tenants/$T/principals/sharepoint-owners" "$OPERATOR" 201 '{"kind":"group","displayName":"SharePoint owners"}' | jq -c '{id, kind}'
for owner in gwen hugo; do
  call PUT "/v1/tenants/$T/principals/$owner" "$OPERATOR" 201 \
    "{\"kind\":\"user\",\"displayName\":\"$owner\",\"email\":\"$owner@contoso.example\",\"memberOf\":[\"sharepoint-owners\"]}" | jq -c '{id, memberOf}'
done
GWEN=$(token gwen "$T" true '[]')
HUGO=$(token hugo "$T" true '[]')
call POST "/v1/tenants/$T/role-assignments" "$ALICE" 201 '{"principalId":"bob","roleId":"sharepoint-administrator","type":"eligible"}' | jq -c '{id, type}'
ETAG=$(curl -sS -D - -o /dev/null "$BASE/v1/tenants/$T/roles/sharepoint-administrator/settings" -H "Authorization: Bearer $ALICE" \
  | tr -d '\r' | awk 'tolower($1)=="etag:" {print $2}')
call PUT "/v1/tenants/$T/roles/sharepoint-administrator/settings" "$ALICE" 200 '{
  "activation": {"maximumDuration":"PT4H","requireMfa":true,"mfaMaxAge":null,"requireJustification":true,"requireTicket":false,
                 "approval":{"stages":[
                   {"approvers":["sharepoint-owners"],"required":2,"timeout":"PT4H","escalateAfter":"PT2H","escalateTo":["alice"]},
                   {"approvers":[],"required":1,"timeout":"PT8H"}]}},
  "assignment": {"allowPermanentEligible":true,"maximumEligibleDuration":"P365D","allowPermanentActive":true,"maximumActiveDuration":"P180D"},
  "notifications": {"onActivation":{"notifyRoleAdministrators":true,"additionalRecipients":[]},
                    "onApprovalNeeded":{"notifyApprovers":true,"remindBefore":"PT1H"}}
}' -H "If-Match: $ETAG" | jq -c '.activation | {requireApproval, stages: [.approval.stages[] | {required, approvers}]}'
SP_REQUEST=$(call POST "/v1/tenants/$T/activation-requests" "$BOB_MFA" 201 \
  '{"roleId":"sharepoint-administrator","duration":"PT2H","justification":"Site collection restore"}' | jq -r .id)
call GET "/v1/tenants/$T/approvals" "$GWEN" 200 | jq -c '[.items[].id]'
call POST "/v1/tenants/$T/activation-requests/$SP_REQUEST/approve" "$GWEN" 200 '{"justification":"Restore agreed"}' \
  | jq -c '{status, approval: {currentStage: .approval.currentStage, approvals: [.approval.stages[0].decisions[].approverId]}}'
call POST "/v1/tenants/$T/activation-requests/$SP_REQUEST/approve" "$HUGO" 200 '{"justification":"Agreed too"}' \
  | jq -c '{status, approval: {currentStage: .approval.currentStage, stages: [.approval.stages[].status]}}'
call POST "/v1/tenants/$T/activation-requests/$SP_REQUEST/approve" "$ALICE" 200 '{"justification":"Second stage: approved"}' \
  | jq -c '{status, endsAt, stages: [.approval.stages[].status]}'

step "An identity system provisions the directory through SCIM 2.0 (as Entra ID calls it): find, create, group, deactivate, delete"
scim GET "/scim/v2/Users?filter=userName%20eq%20%22dana@contoso.example%22" "$OPERATOR" 200 | jq -c '{totalResults}'
scim POST /scim/v2/Users "$OPERATOR" 201 '{
  "schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
  "externalId":"dana","userName":"dana@contoso.example","displayName":"Dana","active":true,
  "emails":[{"value":"dana@contoso.example","type":"work","primary":true}],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Messaging"}}' | jq -c '{id, userName, meta: .meta.version}'
scim POST /scim/v2/Groups "$OPERATOR" 201 \
  '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"externalId":"messaging","displayName":"Messaging","members":[{"value":"dana"}]}' \
  | jq -c '{id, members: [.members[].value]}'
call GET "/v1/tenants/$T/principals/dana/memberships" "$ALICE" 200 | jq -c '.items[] | {groupId, depth}'
scim PATCH /scim/v2/Users/dana "$OPERATOR" 200 \
  '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"False"}]}' | jq -c '{id, active}'
scim DELETE /scim/v2/Users/dana "$OPERATOR" 204
call GET "/v1/tenants/$T/principals?kind=group" "$ALICE" 200 | jq -c '[.items[].id]'

step "A CI job: the pipeline's service principal activates (no MFA for workloads) and waits for the approval in one call"
call PUT "/v1/tenants/$T/principals/ci-deployer" "$OPERATOR" 201 '{"kind":"servicePrincipal","displayName":"CI deployer"}' | jq -c '{id, kind}'
call POST "/v1/tenants/$T/role-assignments" "$ALICE" 201 '{"principalId":"ci-deployer","roleId":"exchange-administrator","type":"eligible"}' | jq -c '{id, type}'
CI=$(token ci-deployer "$T" false '[]')          # in production: the pipeline's own token from the identity provider
CI_REQUEST=$(call POST "/v1/tenants/$T/activation-requests" "$CI" 201 \
  '{"roleId":"exchange-administrator","duration":"PT30M","justification":"Release 4.2","ticket":{"number":"CHG-4800","system":"ServiceNow"}}' | jq -r .id)
WAITED=$(mktemp)
call GET "/v1/tenants/$T/activation-requests/$CI_REQUEST?waitFor=active&timeout=PT5M" "$CI" 200 >"$WAITED" &
WAITER=$!
call POST "/v1/tenants/$T/activation-requests/$CI_REQUEST/approve" "$ALICE" 200 '{"justification":"Release approved"}' | jq -c '{status}'
wait "$WAITER"
jq -c '{status, endsAt}' "$WAITED"; rm -f "$WAITED"

step "A role of the tenant's own, working as a built-in one"
call PUT "/v1/tenants/$T/roles/custom-mailbox-auditor" "$ALICE" 201 \
  '{"displayName":"Mailbox auditor","description":"Reads mailbox audit logs.","kind":"directory","privileged":true}' | jq -c .
call POST "/v1/tenants/$T/role-assignments" "$ALICE" 201 '{"principalId":"bob","roleId":"custom-mailbox-auditor","type":"eligible"}' | jq -c '{id, roleId, type}'
call POST "/v1/tenants/$T/activation-requests" "$BOB_MFA" 201 '{"roleId":"custom-mailbox-auditor","justification":"Audit week"}' | jq -c '{status, endsAt}'
call POST "/v1/tenants/$T/access/evaluation" "$SERVICE" 200 '{"principalId":"bob","roleId":"custom-mailbox-auditor"}' | jq -c .

step "The audit trail as CSV: who, when, where from, why"
call GET "/v1/tenants/$T/audit-events?roleId=exchange-administrator" "$ALICE" 200 "" -H 'Accept: text/csv' \
  | cut -d, -f2,3,4,6,12,13,14,15

step "Security alerts: directory sync gives Carol a standing Helpdesk Administrator role after sign-up, outside Pim"
call PUT "/v1/tenants/$T/principals/carol" "$OPERATOR" 201 '{"kind":"user","displayName":"Carol","email":"carol@contoso.example"}' | jq -c '{id}'
CAROL_ASSIGNMENT=$(call POST "/v1/tenants/$T/role-assignments" "$OPERATOR" 201 \
  '{"principalId":"carol","roleId":"helpdesk-administrator","type":"active"}' | jq -r .id)
step "Alice tunes an alert (ETag / If-Match); the change makes the tenant's alerts due at the next background evaluation"
ETAG=$(curl -sS -D - -o /dev/null "$BASE/v1/tenants/$T/alert-settings/roles-activated-too-frequently" -H "Authorization: Bearer $ALICE" \
  | tr -d '\r' | awk 'tolower($1)=="etag:" {print $2}')
call PUT "/v1/tenants/$T/alert-settings/roles-activated-too-frequently" "$ALICE" 200 '{"enabled":true,"maximumCount":5,"period":"PT8H"}' \
  -H "If-Match: $ETAG" | jq -c .
ALERT=$(poll "a roles-assigned-outside-pim alert" "/v1/tenants/$T/alerts?alertType=roles-assigned-outside-pim" "$ALICE" '.items[0].id')
call GET "/v1/tenants/$T/alerts/$ALERT" "$ALICE" 200 | jq -c '{alertType, status, description, affectedItems: [.affectedItems[] | {principalId, assignmentId}]}'
call POST "/v1/tenants/$T/alerts/$ALERT/dismiss" "$ALICE" 200 '{"justification":"Carol covers the helpdesk this week; ticket CHG-4800"}' \
  | jq -c '{status, dismissedBy, justification}'

step "An access review of Exchange and Helpdesk Administrators by the role administrators; its first instance starts in the background"
REVIEW=$(call POST "/v1/tenants/$T/access-reviews" "$ALICE" 201 '{"displayName":"Quarterly admin review","scope":"/",
  "roleIds":["exchange-administrator","helpdesk-administrator"],"assignmentTypes":"both","reviewers":"roleAdministrators",
  "recurrence":"P90D","duration":"P14D","defaultDecision":"recommendation","autoApply":true,"justificationRequired":true}' | jq -r .id)
INSTANCE=$(poll "the review's first instance" "/v1/tenants/$T/access-reviews/$REVIEW/instances" "$ALICE" '.items[0].id')
call GET "/v1/tenants/$T/access-reviews/$REVIEW/instances/$INSTANCE/items" "$ALICE" 200 \
  | jq -c '.items[] | {id, principalId, roleId, recommendation, recommendationReason}'
call POST "/v1/tenants/$T/access-reviews/$REVIEW/instances/$INSTANCE/items/$CAROL_ASSIGNMENT/decision" "$ALICE" 200 \
  '{"decision":"remove","justification":"Helpdesk cover ended"}' | jq -c '{id, decision, decidedBy}'
call GET "/v1/tenants/$T/access-reviews/$REVIEW/instances/$INSTANCE" "$ALICE" 200 | jq -c '{status, endsAt, itemCount, decidedCount}'
step "Its results as CSV"
call GET "/v1/tenants/$T/access-reviews/$REVIEW/instances/$INSTANCE/results" "$ALICE" 200 "" -H 'Accept: text/csv'

echo
echo "Walkthrough complete for tenant $T."
