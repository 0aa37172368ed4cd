#!/usr/bin/env bash
# A real S3 server for the tests: Ceph radosgw from Debian as a single-node cluster on 127.0.0.1
# (one mon, one memstore OSD, radosgw on :7480; no mgr, which S3 does not need).
#   scripts/s3-server.sh start|stop|status
# start is idempotent and safe to call from several processes at once (flock): when the server is
# already healthy it prints the endpoint and exits 0. State lives in $LABELFLEET_S3_DIR
# (default /tmp/labelfleet-ceph); memstore keeps objects in memory, so a stop forgets every bucket.
# Recipe and gotchas: docs/s3-test-server.md in the shared docs.
set -euo pipefail

D="${LABELFLEET_S3_DIR:-/tmp/labelfleet-ceph}"
PORT="${LABELFLEET_S3_PORT:-7480}"
ENDPOINT="http://127.0.0.1:$PORT"
ACCESS_KEY="${LABELFLEET_S3_ACCESS_KEY:-LABELFLEETTESTKEY}"
SECRET_KEY="${LABELFLEET_S3_SECRET_KEY:-labelfleet-test-secret}"
DAEMONS=(rgw osd mon)

say() { echo "s3-server: $*" >&2; }

# radosgw answers HTTP once it is ready; without curl, an open port is taken as the answer
http_up() {
  if command -v curl >/dev/null; then curl -s -o /dev/null --max-time "${1:-3}" "$ENDPOINT/"
  else timeout "${1:-3}" bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT" 2>/dev/null; fi
}

alive() { [[ -f "$D/$1.pid" ]] && kill -0 "$(cat "$D/$1.pid")" 2>/dev/null; }

healthy() {
  for p in "${DAEMONS[@]}"; do alive "$p" || return 1; done
  [[ -f "$D/ready" ]] || return 1
  http_up 3
}

print_endpoint() {
  echo "endpoint=$ENDPOINT"
  echo "access_key=$ACCESS_KEY"
  echo "secret_key=$SECRET_KEY"
}

stop_daemons() {
  for p in "${DAEMONS[@]}"; do
    if alive "$p"; then kill "$(cat "$D/$p.pid")" 2>/dev/null || true; fi
  done
  for p in "${DAEMONS[@]}"; do
    for _ in $(seq 1 40); do alive "$p" || break; sleep 0.25; done
    if alive "$p"; then kill -9 "$(cat "$D/$p.pid")" 2>/dev/null || true; fi
    rm -f "$D/$p.pid"
  done
  rm -f "$D/ready"
}

start_daemons() {
  command -v radosgw >/dev/null || { say "radosgw is not installed (apt-get install radosgw ceph-mon ceph-osd ceph-common)"; exit 1; }
  rm -rf "$D"/{mon.a,osd.0,run,log} "$D/ceph.conf" "$D/monmap" "$D/keyring"
  mkdir -p "$D"/{mon.a,osd.0,run,log}
  local fsid
  fsid=$(uuidgen)
  cat > "$D/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:3300,v1:127.0.0.1:6789
public addr = 127.0.0.1
public network = 127.0.0.0/8
cluster network = 127.0.0.0/8
ms bind ipv4 = true
ms bind ipv6 = false
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
run dir = $D/run
admin socket = $D/run/\$name.asok
log file = $D/log/\$name.log
pid file = $D/run/\$name.pid
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail crit = 0
mon data avail warn = 1
osd crush chooseleaf type = 0
mon data = $D/mon.\$id
osd data = $D/osd.\$id
keyring = $D/keyring
[osd]
osd objectstore = memstore
memstore device bytes = 4294967296
osd max object name len = 460
osd max object namespace len = 64
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw dns name = localhost
CONF
  local conf=(-c "$D/ceph.conf")
  monmaptool --create --fsid "$fsid" --addv a '[v2:127.0.0.1:3300,v1:127.0.0.1:6789]' "$D/monmap" >/dev/null
  ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$D/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
  ceph-authtool "$D/keyring" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap osd 'allow *' --cap mgr 'allow profile osd' >/dev/null
  ceph-authtool "$D/keyring" --gen-key -n client.rgw.a --cap mon 'allow rw' --cap osd 'allow rwx' --cap mgr 'allow rw' >/dev/null
  ceph-mon "${conf[@]}" --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring" >/dev/null 2>&1
  # own session, no inherited lock fd: the daemons outlive the caller and never hold the start lock
  setsid ceph-mon "${conf[@]}" -i a -f < /dev/null > "$D/log/mon.out" 2>&1 9>&- &
  echo $! > "$D/mon.pid"
  for _ in $(seq 1 60); do timeout 5 ceph "${conf[@]}" mon stat >/dev/null 2>&1 && break; sleep 0.5; done
  local id
  id=$(timeout 30 ceph "${conf[@]}" osd create)
  timeout 60 ceph-osd "${conf[@]}" -i "$id" --mkfs >/dev/null 2>&1
  setsid ceph-osd "${conf[@]}" -i "$id" -f < /dev/null > "$D/log/osd.out" 2>&1 9>&- &
  echo $! > "$D/osd.pid"
  setsid radosgw "${conf[@]}" -n client.rgw.a -f < /dev/null > "$D/log/rgw.out" 2>&1 9>&- &
  echo $! > "$D/rgw.pid"
  local up=
  for _ in $(seq 1 240); do
    if http_up 2; then up=1; break; fi
    alive rgw || break
    sleep 0.5
  done
  [[ -n "$up" ]] || { say "radosgw did not answer on $ENDPOINT; see $D/log"; tail -n 20 "$D/log/rgw.out" >&2 || true; exit 1; }
  timeout 60 radosgw-admin "${conf[@]}" user create --uid=labelfleet --display-name=LabelFleet \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
  touch "$D/ready"
}

cmd="${1:-status}"
mkdir -p "$D"
case "$cmd" in
  start)
    exec 9> "$D.lock"
    flock 9
    if healthy; then say "already running"; print_endpoint; exit 0; fi
    stop_daemons
    say "starting radosgw in $D"
    start_daemons
    say "ready"
    print_endpoint
    ;;
  stop)
    exec 9> "$D.lock"
    flock 9
    stop_daemons
    say "stopped"
    ;;
  status)
    if healthy; then say "running"; print_endpoint; else say "not running"; exit 3; fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
