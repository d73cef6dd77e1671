#!/usr/bin/env bash
# Turns fresh namespaces into a lab host. Started by the lab library as
#
#   unshare --mount --uts --ipc --pid --fork --propagation private -- enter.sh ROOT NAME [PEER_ADDRESS=PEER_ROOT]...
#
# so this script is PID 1 of the new PID namespace, with a private copy of the
# machine's mounts. It mounts the host's own /proc, /sys, /dev and /run on top
# of its overlay ROOT, gives it the other hosts' roots (for the lab's NFS mount
# stand-in only), pivots into ROOT and hands PID 1 over to the host's init.
set -euo pipefail

root=$1
name=$2
shift 2

mount --make-rprivate /
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"

# A small /dev: the usual character devices and a private devpts for sshd's ptys.
mount -t tmpfs -o mode=755,size=1m,nosuid,noexec dev "$root/dev"
make_dev() { mknod -m "$4" "$root/dev/$1" c "$2" "$3"; }
make_dev null 1 3 666
make_dev zero 1 5 666
make_dev full 1 7 666
make_dev random 1 8 666
make_dev urandom 1 9 666
make_dev tty 5 0 666
mkdir "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5,nosuid,noexec devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
mount -t tmpfs -o mode=1777,size=16m,nosuid,nodev shm "$root/dev/shm"

mount -t tmpfs -o mode=755,size=32m,nosuid,nodev run "$root/run"
mkdir -p "$root/run/sshd" "$root/run/lock" "$root/run/aegir-lab/peers"
chmod 700 "$root/run/aegir-lab"

# Other hosts' file trees, by address: only the lab's mount.nfs stand-in reads
# these, after checking the export over real NFS (see mount-nfs).
for peer in "$@"; do
	address=${peer%%=*}
	mkdir -p "$root/run/aegir-lab/peers/$address"
	mount --bind "${peer#*=}" "$root/run/aegir-lab/peers/$address"
done

hostname "$name"
cd "$root"
pivot_root . .
umount -l .
cd /
exec /usr/local/lib/aegir-lab/init
