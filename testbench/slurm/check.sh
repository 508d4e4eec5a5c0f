#!/usr/bin/env bash
# usage: check.sh MMUSIM WORKLOADS_DIR
# A sweep on a real Slurm (README, "Sweeps on a cluster"): starts a one-node Slurm of its own in a temporary
# directory (munged on a socket there, slurmctld and slurmd on free ports of 127.0.0.1, state, spool and logs there,
# no cgroups), writes a sweep with `mmusim sweep --slurm`, submits it with its submit.sh (a job array, then the merge
# after it), waits for the merged CSV and compares it with the sweep run here, byte for byte. Every daemon and job it
# started is stopped at the end, pass or fail. Needs root (the jobs run as root) and Debian's slurm-wlm and munge
# (scripts/install-deps.sh); their absence is a failure, not a skip.
set -uo pipefail

# The processes of a test in directory $t: the daemons and the jobs are started with MMUSIM_SLURM_TEST=$t in their
# environment (through `mark`), which they and what they start (slurmstepd, the tasks) keep; the test's shell does not.
mark() {
  env MMUSIM_SLURM_TEST="$t" "$@"
}
ours() {
  local p
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    tr '\0' '\n' 2> /dev/null < "/proc/$p/environ" | grep -qxF "MMUSIM_SLURM_TEST=$t" && echo "$p"
  done
}
stop_all() {
  local pids i f
  for f in slurmctld slurmd; do
    [ -f "$t/$f.pid" ] && kill "$(cat "$t/$f.pid")" 2> /dev/null
  done
  [ -S "$t/munge.sock" ] && munged --stop --socket="$t/munge.sock" > /dev/null 2>&1
  for ((i = 0; i < 50; i++)); do
    pids=$(ours)
    [ -z "$pids" ] && break
    [ $i -eq 20 ] && kill $pids 2> /dev/null
    [ $i -eq 40 ] && kill -9 $pids 2> /dev/null
    sleep 0.2
  done
  pids=$(ours)
  if [ -n "$pids" ]; then
    echo "slurm: processes still running after the test: $pids" >&2
    kill -9 $pids 2> /dev/null
    return 1
  fi
  return 0
}

# check.sh --watch PID DIR: started in a session of its own, stops what the test in DIR started when the test ends
# without doing so itself (killed by a timeout's SIGKILL, which no trap sees).
if [ "${1:-}" = --watch ]; then
  t=$3
  while kill -0 "$2" 2> /dev/null; do sleep 1; done
  if [ -d "$t" ]; then
    stop_all
    rm -rf "$t"
  fi
  exit 0
fi

mmusim=${1:?usage: check.sh MMUSIM WORKLOADS_DIR}
w=${2:?usage: check.sh MMUSIM WORKLOADS_DIR}
wait_limit=120 # seconds for the whole array and the merge; they take a few here

export PATH=$PATH:/usr/sbin:/sbin # the daemons are there, not always on a user's PATH
for tool in munged mungekey slurmctld slurmd sbatch sinfo; do
  if ! command -v $tool > /dev/null; then
    echo "slurm: $tool not found: run scripts/install-deps.sh (Debian packages slurm-wlm and munge)" >&2
    exit 1
  fi
done
if [ "$(id -u)" -ne 0 ]; then
  echo "slurm: needs root (this test's slurmd runs the jobs as root, SlurmUser=root)" >&2
  exit 1
fi

t=$(mktemp -d "${TMPDIR:-/tmp}/mmusim-slurm.XXXXXX")
chmod 711 "$t" # munged wants its socket's directory searchable
export SLURM_CONF=$t/slurm.conf
unset SLURM_JOB_ID SLURM_ARRAY_TASK_ID # when run inside a Slurm job itself

setsid "$0" --watch $$ "$t" < /dev/null > /dev/null 2>&1 &
watch_pid=$! # not needed when the test ends by itself: stopped then

logs() {
  for f in "$t"/*.log "$t"/job/logs/*.log; do
    [ -f "$f" ] || continue
    echo "---- $f (last lines)" >&2
    tail -n 25 "$f" >&2
  done
}
status=1
finish() {
  stop_all || status=1
  rm -rf "$t"
  kill "$watch_pid" 2> /dev/null
  exit $status
}
trap finish EXIT
trap 'exit 1' INT TERM HUP
fail() {
  echo "slurm: $*" >&2
  logs
  exit 1
}

# A free TCP port of 127.0.0.1: nothing answers there (a connect is refused).
free_port() {
  local p
  for ((i = 0; i < 100; i++)); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<> /dev/tcp/127.0.0.1/$p) 2> /dev/null; then
      [ "$p" != "${1:-}" ] && echo $p && return
    fi
  done
  fail "no free port on 127.0.0.1"
}
ctld_port=$(free_port)
slurmd_port=$(free_port "$ctld_port")

mkdir -p "$t/state" "$t/spool"
mungekey --create --keyfile="$t/munge.key" || fail "mungekey could not create a key"
mark munged --force --socket="$t/munge.sock" --key-file="$t/munge.key" --log-file="$t/munged.log" \
  --pid-file="$t/munged.pid" --seed-file="$t/munged.seed" || fail "munged did not start"
cat > "$t/slurm.conf" << EOF
ClusterName=mmusimtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$t/munge.sock
CredType=cred/munge
StateSaveLocation=$t/state
SlurmdSpoolDir=$t/spool
SlurmctldPidFile=$t/slurmctld.pid
SlurmdPidFile=$t/slurmd.pid
SlurmctldLogFile=$t/slurmctld.log
SlurmdLogFile=$t/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
mark slurmctld -i -f "$t/slurm.conf" || fail "slurmctld did not start"
mark slurmd -N localhost -f "$t/slurm.conf" || fail "slurmd did not start"
for ((i = 0; i < 150; i++)); do
  [ "$(sinfo -h -o %T 2> /dev/null)" = idle ] && break
  sleep 0.2
done
[ "$(sinfo -h -o %T 2> /dev/null)" = idle ] || fail "the node did not come up idle: $(sinfo 2>&1)"

# The sweep: 2 traces x 6 configurations (2 of them invalid), in 5 shards, written from $t/work.
mkdir "$t/work" && cd "$t/work" || fail "no work directory"
sweep=(--trace "$w/sort.lackey.gz" --trace "$w/chase.lackey.gz" --sweep tlb.l1d.entries=16,32,48
  --sweep tlb.l1d.ways=2,4)
"$mmusim" sweep "${sweep[@]}" --slurm "$t/job" --shards 5 --slurm-opt=--time=10 2> "$t/slurm-write.log" ||
  fail "mmusim sweep --slurm failed: $(cat "$t/slurm-write.log")"
mark "$t/job/submit.sh" > "$t/submit.log" 2>&1 || fail "submit.sh failed: $(cat "$t/submit.log")"
for ((i = 0; i < wait_limit * 5; i++)); do
  [ -f "$t/job/result/sweep.csv" ] && break
  sleep 0.2
done
[ -f "$t/job/result/sweep.csv" ] || fail "no merged $t/job/result/sweep.csv after $wait_limit s"
"$mmusim" sweep "${sweep[@]}" -j 2 > "$t/local.csv" 2> "$t/local.log" || fail "the local sweep failed"
cmp "$t/local.csv" "$t/job/result/sweep.csv" || fail "the merged CSV of the Slurm jobs differs from the local sweep"
n=$(ls "$t/job/shards" | wc -l)
[ "$n" -eq 5 ] || fail "$n shard files, expected 5"
status=0
echo "slurm: 5 array tasks and the merge on a one-node Slurm: the same CSV as the local sweep; daemons stopped"
