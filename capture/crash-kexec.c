/* crash-kexec: the kernel loader of the capture side; see kexec_loader.c. */
#include "kexec_loader.h"

int main(int argc, char **argv)
{
	return crash_kexec_run(argc, argv);
}
