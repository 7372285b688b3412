#!/usr/bin/env bash
# A single-node Slurm cluster from Debian's packages, for the sweep tests: no systemd, the
# daemons started by hand. Idempotent: `start` installs what is missing and starts what is not
# running; `stop` stops the daemons this script started.
#   Tests/Slurm/cluster.sh start | stop | status
set -euo pipefail
SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
STATE=/var/lib/runbook-slurm
CONF=/etc/slurm/slurm.conf

install() {
  local missing=""
  for p in slurmctld slurmd slurm-client munge; do
    dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    echo "installing:$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
  fi
}

configure() {
  $SUDO mkdir -p /etc/munge /var/run/munge /var/log/munge /var/lib/munge /etc/slurm $STATE/ctld $STATE/d
  if [ ! -s /etc/munge/munge.key ]; then
    $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  fi
  $SUDO chown -R munge:munge /etc/munge /var/run/munge /var/log/munge /var/lib/munge
  $SUDO chmod 0700 /etc/munge /var/log/munge /var/lib/munge
  $SUDO chmod 0755 /var/run/munge
  $SUDO chmod 0400 /etc/munge/munge.key
  local host node
  host=$(hostname -s)
  # The node line as this machine is (CPUs, sockets, memory), from slurmd itself.
  node=$(slurmd -C | head -1 | sed 's/ UpTime=.*//')
  node=${node/NodeName=* CPUs/NodeName=$host CPUs}
  local conf
  conf=$(cat <<CONF
# Written by Tests/Slurm/cluster.sh: one node, no accounting, no cgroups.
ClusterName=runbook
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=30
KillWait=5
Waittime=0
$node State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
)
  if [ "$(cat $CONF 2>/dev/null)" != "$conf" ]; then
    echo "$conf" | $SUDO tee $CONF >/dev/null
  fi
}

running() { pgrep -x "$1" >/dev/null; }

wait_for_node() {
  for i in $(seq 1 60); do
    # A node left down by an earlier run comes back.
    [ "$i" = 10 ] && scontrol update NodeName="$(hostname -s)" State=RESUME 2>/dev/null
    if sinfo -h -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; then return 0; fi
    sleep 0.5
  done
  echo "slurm: the node did not come up:" >&2
  sinfo >&2 || true
  tail -n 20 $STATE/slurmctld.log $STATE/slurmd.log >&2 || true
  return 1
}

# Stops a daemon: TERM, then KILL after five seconds.
halt() {
  running "$1" || return 0
  $SUDO pkill -x "$1" || true
  for _ in $(seq 1 20); do running "$1" || return 0; sleep 0.25; done
  $SUDO pkill -KILL -x "$1" || true
  sleep 0.2
}

# Never touch a Slurm this script did not configure (a real cluster node).
if [ -f $CONF ] && ! head -1 $CONF | grep -q "Written by Tests/Slurm/cluster.sh"; then
  echo "slurm: $CONF was not written by $0; leaving this machine's Slurm alone" >&2
  exit 1
fi

case "${1:-start}" in
  start)
    install
    configure
    if ! running munged; then
      # Daemons started without munge cannot authenticate: start them again after it.
      halt slurmd; halt slurmctld
      if [ -z "$SUDO" ]; then runuser -u munge -- /usr/sbin/munged; else sudo -u munge /usr/sbin/munged; fi
    fi
    running slurmctld || $SUDO /usr/sbin/slurmctld
    running slurmd || $SUDO /usr/sbin/slurmd
    wait_for_node
    echo "slurm: up ($(sinfo -h -o '%P %D node, %c CPUs, %t'))"
    ;;
  stop)
    halt slurmd; halt slurmctld; halt munged
    echo "slurm: stopped"
    ;;
  status)
    sinfo
    ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 64 ;;
esac
