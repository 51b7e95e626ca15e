#!/bin/sh
# Runs once when the PostgreSQL container initialises its data directory:
# one database and one login role per subgraph, so that no subgraph can read
# another organisation's tables.
set -eu
for s in municipality psychiatry probation clinics; do
  pw_var=$(echo "${s}_DB_PASSWORD" | tr '[:lower:]' '[:upper:]')
  eval "pw=\${$pw_var:?$pw_var is required}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE hub_$s LOGIN PASSWORD '$pw';
CREATE DATABASE hub_$s OWNER hub_$s;
REVOKE ALL ON DATABASE hub_$s FROM PUBLIC;
SQL
done
