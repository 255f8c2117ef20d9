#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for the database tests (tests/test_db.py).
#
#   eval "$(bash .ci/postgres.sh)"        # installs Debian's postgresql if missing, starts a
#                                         # cluster, prints the export lines for the tests
#   bash .ci/postgres.sh stop             # stops the cluster named by $KPI_TEST_POSTGRES_DIR
#
# stdout carries only the export lines (KPI_TEST_POSTGRES_URL, KPI_TEST_POSTGRES_DIR); progress
# goes to stderr. The cluster lives in a new folder under /tmp, with password authentication on
# TCP (user kpi, password kpi, database kpi), so the tests see a real login.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

as_owner() {  # initdb and postgres refuse to run as root: run them as the postgres user
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

if [ "${1:-}" = stop ]; then
  dir="${KPI_TEST_POSTGRES_DIR:?set KPI_TEST_POSTGRES_DIR (printed when the server started)}"
  as_owner "$(pg_bin)/pg_ctl" -D "$dir" -m fast -w stop >&2 || true
  rm -rf "$dir"
  exit 0
fi

if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/initdb" ]; then
  echo "postgres.sh: installing postgresql" >&2
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >/dev/null
fi
bin="$(pg_bin)"

port=55432
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do  # something answers: try the next
  port=$((port + 1))
done

dir="$(mktemp -d /tmp/kpi-postgres.XXXXXX)"
if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
as_owner "$bin/initdb" -D "$dir" -U postgres --encoding=UTF8 --no-locale \
  --auth-local=trust --auth-host=scram-sha-256 >/dev/null
as_owner "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $dir" start >&2
as_owner "$bin/psql" -h "$dir" -p "$port" -U postgres -v ON_ERROR_STOP=1 -q \
  -c "CREATE ROLE kpi LOGIN PASSWORD 'kpi'" -c "CREATE DATABASE kpi OWNER kpi" >&2

echo "postgres.sh: PostgreSQL $("$bin/postgres" -V | awk '{print $3}') on 127.0.0.1:$port ($dir)" >&2
echo "export KPI_TEST_POSTGRES_URL=postgresql://kpi:kpi@127.0.0.1:$port/kpi"
echo "export KPI_TEST_POSTGRES_DIR=$dir"
