#include "error.h"
#include "interrupt.h"

volatile sig_atomic_t interrupt_pending;

struct error *interrupt_error(void)
{
	return error_create(ERR_INTERRUPTED, "interrupted");
}
