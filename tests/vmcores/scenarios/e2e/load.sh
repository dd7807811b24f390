# The e2e scenario's loader (lib/init.sh runs it instead of kexec -p):
# crash-kexec, the project's, loads the capture kernel.  Args: KERNEL
# INITRD APPEND (APPEND is the kit's, for kexec -p; here the capture
# kernel gets the running kernel's command line, --reuse-cmdline, and the
# capture settings).  On the way, each action and refusal crash-kexec
# knows is tried on this real kernel; only the last load decides success.
# The results go to the kernel's log (/dev/kmsg, unthrottled), which the
# dump keeps.
. /scenario/e2e-lib.sh
echo on > /proc/sys/kernel/printk_devkmsg
K=$1 I=$2
APP="nr_cpus=1 reset_devices irqpoll fixture_mode=capture loglevel=6"
e2e status-empty 0 $CK -s
e2e exec-nothing 1 $CK -e
# before the crash kernel's load: a failed -p load frees the loaded one
e2e not-a-kernel 253 $CK -p /scenario/crash-dump
e2e no-such-kernel 255 $CK -p /nonexistent
e2e load-l 0 $CK -l "$K" --initrd="$I" --append="e2e=l"
e2e status-l 1 $CK -s -l
e2e unload-l 0 $CK -u
e2e status-unloaded-l 0 $CK -s -l
e2e load-p 0 $CK -p "$K" --initrd="$I" --reuse-cmdline --append="$APP"
e2e status-p 1 $CK -s
e2e unload-p 0 $CK -u -p
e2e status-unloaded-p 0 $CK -s
e2e load-p-again 0 $CK -d -p "$K" --initrd="$I" --reuse-cmdline --append="$APP" || exit 1
e2e status-final 1 $CK --status
[ "$(cat /sys/kernel/kexec_crash_loaded)" = 1 ]
