#!/usr/bin/env bash
# Throwaway PostgreSQL cluster for tests.
#
#   scripts/pg-throwaway.sh start DIR [PORT]   init + start a cluster in DIR,
#                                              print its URL on stdout
#   scripts/pg-throwaway.sh stop DIR           stop it and remove DIR
#
# Everything lives in DIR (data, unix socket, log). The server listens only on
# 127.0.0.1, trusts everyone (user "radsup"), and runs with fsync=off: it is
# fast and disposable, never use it for anything that matters.
# Without PORT, the first free port from 54329 upward is used.
# PG_BIN may point at a PostgreSQL bin dir; default: newest /usr/lib/postgresql/*/bin.
set -euo pipefail

die() { echo "pg-throwaway: $*" >&2; exit 1; }
log() { echo "pg-throwaway: $*" >&2; }

usage() { die "usage: $0 start DIR [PORT] | stop DIR"; }

# Marker so that "stop" only ever deletes directories this script set up.
MARKER=.pg-throwaway

find_pg_bin() {
	if [[ -n "${PG_BIN:-}" ]]; then
		[[ -x "$PG_BIN/initdb" ]] || die "PG_BIN=$PG_BIN has no initdb"
		echo "$PG_BIN"
		return
	fi
	local initdb
	initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)
	[[ -n "$initdb" ]] || die "no PostgreSQL found (/usr/lib/postgresql/*/bin/initdb); apt-get install postgresql"
	dirname "$initdb"
}

# PostgreSQL refuses to run as root, so as root we run it as the "postgres"
# OS user (created by Debian's postgresql-common). cd to DIR first so the
# server never starts in a directory that user cannot read.
as_pg() {
	if [[ $EUID -eq 0 ]]; then
		(cd "$DIR" && runuser -u postgres -- "$@")
	else
		(cd "$DIR" && "$@")
	fi
}

port_in_use() {
	# A successful connect means someone is listening already.
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

cmd_start() {
	local bin data conf port ports locale
	bin=$(find_pg_bin)

	mkdir -p "$DIR"
	DIR=$(cd "$DIR" && pwd) # absolute: it goes into the server config
	[[ -z "$(ls -A "$DIR")" ]] || die "$DIR is not empty"
	touch "$DIR/$MARKER"
	if [[ $EUID -eq 0 ]]; then
		id postgres >/dev/null 2>&1 || die "no 'postgres' OS user (needed because root cannot run PostgreSQL)"
		chown postgres: "$DIR"
		as_pg test -w "$DIR" || die "user postgres cannot write $DIR (check the permissions of its parent directories)"
	fi
	data=$DIR/data

	# Prefer a UTF-8 collation; C.UTF-8 is missing on some minimal systems.
	for locale in C.UTF-8 C; do
		if as_pg "$bin/initdb" -D "$data" -A trust -U radsup --encoding=UTF8 \
			--locale="$locale" >"$DIR/initdb.log" 2>&1; then
			break
		fi
		as_pg rm -rf "$data"
		[[ $locale == C ]] && { cat "$DIR/initdb.log" >&2; die "initdb failed"; }
		log "initdb with --locale=$locale failed, retrying with --locale=C"
	done

	# Socket in DIR (not /var/run/postgresql, which may not exist or be
	# writable); TCP only on loopback; durability off for speed.
	conf=$data/postgresql.conf
	cat >>"$conf" <<-CONF

		# pg-throwaway
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '${DIR//\'/\'\'}'
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_connections = 200
	CONF

	if [[ $# -gt 0 ]]; then
		ports=("$1")
	else
		ports=($(seq 54329 54428))
	fi
	for port in "${ports[@]}"; do
		port_in_use "$port" && continue
		rm -f "$DIR/postgres.log"
		# pg_ctl -w waits until the server accepts connections (or fails);
		# a lost race for the port just means trying the next one.
		if as_pg "$bin/pg_ctl" -D "$data" -l "$DIR/postgres.log" -w -t 60 \
			-o "-p $port" start >/dev/null 2>&1; then
			break
		fi
		if [[ ${#ports[@]} -gt 1 ]] && grep -q 'could not bind\|already in use' "$DIR/postgres.log" 2>/dev/null; then
			log "port $port is taken, trying the next one"
			continue
		fi
		tail -n 30 "$DIR/postgres.log" >&2 2>/dev/null || true
		die "postgres did not start on port $port (log: $DIR/postgres.log)"
	done
	if [[ ! -f "$data/postmaster.pid" ]]; then
		[[ ${#ports[@]} -eq 1 ]] && die "port $port is already in use"
		die "no free port in ${ports[0]}..${ports[-1]}"
	fi

	for _ in $(seq 1 60); do
		if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U radsup -d postgres; then
			echo "$port" >"$DIR/port"
			log "PostgreSQL ($("$bin/postgres" --version)) running in $DIR on 127.0.0.1:$port"
			echo "postgres://radsup@127.0.0.1:$port/postgres?sslmode=disable"
			return 0
		fi
		sleep 0.5
	done
	die "postgres on port $port does not answer pg_isready (log: $DIR/postgres.log)"
}

cmd_stop() {
	[[ -d "$DIR" ]] || return 0
	DIR=$(cd "$DIR" && pwd)
	if [[ ! -e "$DIR/$MARKER" ]]; then
		# Created (e.g. by mktemp) but never started: only remove it if empty.
		rmdir "$DIR" 2>/dev/null || die "$DIR was not set up by $0; not removing it"
		return 0
	fi
	if [[ -f "$DIR/data/postmaster.pid" ]]; then
		local bin
		bin=$(find_pg_bin)
		as_pg "$bin/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 \
			|| log "pg_ctl stop failed (server already gone?)"
	fi
	rm -rf "$DIR"
}

[[ $# -ge 2 ]] || usage
CMD=$1
DIR=$2
shift 2
case $CMD in
start) [[ $# -le 1 ]] || usage; cmd_start "$@" ;;
stop) [[ $# -eq 0 ]] || usage; cmd_stop ;;
*) usage ;;
esac
