# The e2e scenario (make-e2e.sh): the project's capture programs in the
# guest.  /init runs this right before sysrq-c; the work is in load.sh
# (first kernel: crash-kexec loads the capture kernel) and capture.sh
# (capture kernel: crash-dump writes the dump, then crash-kexec -l/-e).
echo "FIXTURE: e2e: the capture kernel was loaded by crash-kexec; sysrq-c follows"
