#!/bin/sh
# Runs once when the PostgreSQL container initialises its data directory:
# one database per subgraph, so that no subgraph can read another
# organisation's tables, and two login roles for each: hub_<subgraph> owns the
# database and its tables and runs the migrations (npm run migrate);
# hub_<subgraph>_runtime is what the subgraph runs as, granted by the
# migrations what it needs and no more (it cannot alter, truncate, update or
# delete the audit tables). Passwords are passed as psql variables (:'pw'),
# quoted by psql, so that any character may be in them.
set -eu
for s in municipality psychiatry probation clinics; do
  upper=$(echo "$s" | tr '[:lower:]' '[:upper:]')
  eval "pw=\${${upper}_DB_PASSWORD:?${upper}_DB_PASSWORD is required}"
  eval "rpw=\${${upper}_RUNTIME_DB_PASSWORD:?${upper}_RUNTIME_DB_PASSWORD is required}"
  psql -v ON_ERROR_STOP=1 -v pw="$pw" -v rpw="$rpw" --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE hub_$s LOGIN PASSWORD :'pw';
CREATE ROLE hub_${s}_runtime LOGIN PASSWORD :'rpw';
CREATE DATABASE hub_$s OWNER hub_$s;
REVOKE ALL ON DATABASE hub_$s FROM PUBLIC;
SQL
done
