#!/usr/bin/env bash
# Builds the lab's read-only base layer: a minimal Debian 12 root that every lab
# host shares through overlayfs. Runs on the lab machine as root:
#
#   build-base.sh OUT_DIR MIRROR
#
# The lab library keys the result by a hash of this file, so changing the
# recipe here rebuilds the base; the small lab scripts (init, mount.nfs
# stand-in, exportfs wrapper) are copied into each host at `up` instead, so
# editing those never costs a rebuild.
set -euo pipefail

out=$1
mirror=$2
export DEBIAN_FRONTEND=noninteractive LC_ALL=C

in_root() { chroot "$out" "$@"; }

# Everything a web head of the pack has before the tool touches it (rsync
# included). nfs-common and nfs-kernel-server are NOT installed: the tool
# installs them, offline, from the .debs left in the apt cache below.
# python3 (systemctl brings it) and python3-apt are what Ansible needs on a
# Debian host it manages: its modules run in python3, its apt module imports
# apt_pkg (without it, the module tries to install python3-apt, offline here).
debootstrap --variant=minbase \
	--include=openssh-server,openssh-client,rsync,sudo,iproute2,procps,systemctl,libnfs-utils,e2fsprogs,less,python3-apt \
	bookworm "$out" "$mirror" >"$out.debootstrap.log" 2>&1 \
	|| { tail -n 30 "$out.debootstrap.log" >&2; exit 1; }

# dpkg without fsync: a throwaway lab host gains nothing from it, and installs
# inside hosts get several times faster on the overlay.
echo force-unsafe-io >"$out/etc/dpkg/dpkg.cfg.d/aegir-lab-unsafe-io"

# debootstrap copied this machine's resolv.conf in; apt needs it for the next
# downloads only.
in_root apt-get update -qq

# Pre-download what the tool installs (with Recommends, as a plain
# `apt-get install` would) so installs inside hosts work offline in seconds.
# The cache lives in this read-only layer: each host gets its own copy-on-write
# view, so running hosts never share an apt lock.
in_root apt-get install -y -qq --download-only \
	nfs-kernel-server nfs-common rsync >/dev/null
# apache2 too (no host has it installed): the e2e tests install it in a host to
# check and fix Aegir's web server prerequisites for real (policy-rc.d below
# keeps it from starting).
in_root apt-get install -y -qq --download-only apache2 >/dev/null
# What Aegir's remote web server documentation asks of a head beyond that: PHP
# with its MySQL extension and Apache's PHP module, and a MySQL client (in
# bookworm: MariaDB's, through default-mysql-client). The prerequisite fixes
# install these offline; Apache's rewrite module ships with apache2.
in_root apt-get install -y -qq --download-only \
	php-cli php-mysql libapache2-mod-php php-fpm default-mysql-client >/dev/null

# The lab's own NFS server (a stand-in for the kernel's nfsd, which these
# machines lack): nfs-ganesha with the VFS backend, unpacked under /opt and not
# registered with dpkg, so hosts still look like they have no NFS packages.
mkdir -p "$out/var/tmp/ganesha-debs/partial"
in_root apt-get install -y -qq --download-only -o Dir::Cache::archives=/var/tmp/ganesha-debs \
	nfs-ganesha nfs-ganesha-vfs rpcbind >/dev/null
mkdir -p "$out/opt/aegir-lab/ganesha"
for deb in "$out"/var/tmp/ganesha-debs/*.deb; do
	dpkg-deb -x "$deb" "$out/opt/aegir-lab/ganesha"
done
rm -rf "$out/var/tmp/ganesha-debs"

# Offline from here on: no DNS (names come from /etc/hosts), and apt pointed at
# a loopback port nothing listens on, so a cache miss fails fast and no packet
# ever leaves the machine.
: >"$out/etc/resolv.conf"
cat >"$out/etc/apt/apt.conf.d/99aegir-lab-offline" <<'EOF'
// aegir-pack lab: hosts are offline. Packages come from /var/cache/apt/archives.
Acquire::http::Proxy "http://127.0.0.1:9/";
Acquire::https::Proxy "http://127.0.0.1:9/";
Acquire::Retries "0";
Binary::apt::APT::Keep-Downloaded-Packages "true";
APT::Keep-Downloaded-Packages "true";
EOF

# No service starts during package installs (no init system, and one shared
# network namespace: a second rpcbind would fight over port 111).
cat >"$out/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
# aegir-pack lab: services are not started by package installs.
exit 101
EOF
chmod 755 "$out/usr/sbin/policy-rc.d"

# Lab stand-ins, put in place before the real programs arrive: dpkg-divert
# moves the packaged binaries aside (`*.distrib`) when the tool installs
# nfs-common / nfs-kernel-server, and these shims hand over to the lab scripts
# that each host gets at `up` (/usr/local/lib/aegir-lab/).
shim() { # shim PATH SCRIPT
	in_root dpkg-divert --quiet --local --rename --divert "$1.distrib" --add "$1"
	printf '#!/bin/sh\n# aegir-pack LAB STAND-IN (never outside the lab): see /usr/local/lib/aegir-lab/%s\nexec /usr/local/lib/aegir-lab/%s "$@"\n' "$2" "$2" >"$out$1"
	chmod 755 "$out$1"
}
shim /sbin/mount.nfs mount-nfs
shim /sbin/mount.nfs4 mount-nfs
shim /usr/sbin/exportfs exportfs
shim /usr/sbin/rpc.nfsd rpc-nfsd

# sshd: keys only, one ed25519 host key per host (made at `up`), address per
# host (sshd_config.d/listen.conf, written at `up`).
rm -f "$out"/etc/ssh/ssh_host_*
cat >"$out/etc/ssh/sshd_config.d/aegir-lab.conf" <<'EOF'
# aegir-pack lab
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UseDNS no
HostKey /etc/ssh/ssh_host_ed25519_key
EOF

# A sudo user alongside root; `aegir` is made per host at `up` (its uid/gid
# differs between hosts on purpose in some tests).
in_root useradd --create-home --uid 1000 --user-group --groups sudo --shell /bin/bash admin
printf 'admin ALL=(ALL:ALL) NOPASSWD: ALL\n' >"$out/etc/sudoers.d/aegir-lab"
chmod 440 "$out/etc/sudoers.d/aegir-lab"

printf '# /etc/fstab: static file system information (aegir-pack lab host).\n' >"$out/etc/fstab"
ln -sf ../proc/self/mounts "$out/etc/mtab"
rm -f "$out/etc/hostname"
rm -f "$out.debootstrap.log"
