/* crash-dump: the dump writer of the capture side; see dump_writer.c. */
#include "dump_writer.h"

int main(int argc, char **argv)
{
	return crash_dump_run(argc, argv);
}
