/* The crash-dump program as a function: argv as the command line has it;
 * returns the exit status (0 complete, 1 failed or incomplete). */
#ifndef CAPTURE_DUMP_WRITER_H
#define CAPTURE_DUMP_WRITER_H

int crash_dump_run(int argc, char **argv);

#endif
