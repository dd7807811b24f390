# The e2e scenario's capture steps (lib/init.sh sources this in the
# capture kernel, cwd the dump disk, instead of its own steps): crash-dump,
# the project's writer, on /proc/vmcore; makedumpfile -l -d 31 on the same
# vmcore, the reference; the crashed kernel's log.  Then crash-kexec in a
# kernel with no crashkernel= memory: -p refused, -l of a kernel without
# its signature, the same refused under lockdown (results in
# e2e-capture.txt); and once the disk is unmounted (after_capture), -e into
# the -l kernel, which prints its command line and panics for want of a
# root file system.
. /scenario/e2e-lib.sh
E2E_LOG=$PWD/e2e-capture.txt
step ours-lzo sh -c '/scenario/crash-dump -l -d 31 /proc/vmcore vmcore-ours-d31-lzo.kdump 2> crash-dump-stderr.txt'
step mdf-lzo makedumpfile -l -d 31 /proc/vmcore vmcore-d31-lzo.kdump
step mdf-dmesg makedumpfile --dump-dmesg /proc/vmcore crashed-kernel-dmesg.txt
# Timing (tests/cmd/e2e_check.py reports it): each writer three more times
# on the same /proc/vmcore, in turn, quiet, into a scratch file.
for _i in 1 2 3; do
	step time-ours sh -c '/scenario/crash-dump -l -d 31 /proc/vmcore timing.kdump 2>/dev/null'
	rm -f timing.kdump
	step time-mdf sh -c 'makedumpfile -l -d 31 /proc/vmcore timing.kdump >/dev/null 2>&1'
	rm -f timing.kdump
done

K=/scenario/vmlinuz-unsigned
e2e capture-status 0 $CK -s
e2e capture-no-crash-memory 1 $CK -p $K
e2e capture-load-l 0 $CK -l $K --append="console=ttyS0,115200 panic=1 loglevel=7 e2e_kexec=1"
e2e capture-status-l 1 $CK -s -l
mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
if echo integrity > /sys/kernel/security/lockdown; then
	e2e lockdown-status 1 $CK -s -l
	e2e lockdown-unsigned 255 $CK -l $K
else
	echo "FIXTURE: e2e no lockdown here" >> "$E2E_LOG"
fi

after_capture() {
	log "e2e: crash-kexec -e at uptime $(up)"
	/scenario/crash-kexec -e
	log "e2e: crash-kexec -e returned $?"
}
AFTER_CAPTURE=after_capture
