#!/bin/sh
# Run once by the postgres image when it creates the primary's data (docker-entrypoint-initdb.d):
# lets the replica of docker-compose.replica.yml stream from it, with the tracker's password.
set -eu
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
