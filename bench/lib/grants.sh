# bench/lib/grants.sh: the store path's queries, from the running Pim — sourced by bench/run.sh (read its header for the knobs and globals these use).
# shellcheck shell=bash

# ---------------------------------------------------------------- the store path's queries, from the running Pim
# GET /bench/grants-sql (the benchmark host only) answers GrantIndexLoader.OnePrincipal as the code composes it: the
# statements that load one principal's rows (its own, its groups', the scope's ancestors) when the grant index does not
# hold the tenant. Fetched per run into GRANTS_SRC.
GRANTS_SRC=""
grants_sql() { # grants_sql TENANT_EXPR PRINCIPAL_EXPR ROLES_ARRAY_EXPR SCOPE_EXPR NOW_EXPR -> the statements, ';' after each
  local sql
  [[ -n "$GRANTS_SRC" && -s "$GRANTS_SRC" ]] || return 1
  sql="$(cat "$GRANTS_SRC")"
  [[ -n "$sql" && "$sql" == *"@principalId"* ]] || return 1
  sql="${sql//@tenantId/$1}"
  sql="${sql//@principalId/$2}"
  sql="${sql//@scope/$4}"
  sql="${sql//@now/$5}"
  [[ "$sql" != *@* ]] || return 1
  printf '%s;\n' "$sql"
}

# explain_each SQL: EXPLAIN (ANALYZE, BUFFERS) of each statement of grants_sql's output.
explain_each() {
  awk 'BEGIN { RS = ";\n" } NF { printf "EXPLAIN (ANALYZE, BUFFERS) %s;\n", $0 }' <<<"$1"
}
