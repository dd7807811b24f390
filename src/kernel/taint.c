/* tainted_mask spelled with taint_flags[] (4.9 and later: { c_true,
 * c_false, module } per bit; "true"/"false" before 4.15's rename). */
#include <inttypes.h>

#include "../util/error.h"
#include "kernel.h"
#include "taint.h"

struct error *kernel_taints(const struct kernel *k, uint64_t *mask,
			    char *buf, size_t size)
{
	struct kernel_field c_true, c_false;
	unsigned char table[64 * 64];
	uint64_t elem;
	struct error *err;
	size_t n = 0, i, got = 0;

	if (!size)
		return error_create(ERR_INVALID, "no room for the taints");
	buf[0] = '\0';
	err = kernel_var_number(k, "tainted_mask", NULL, mask);
	if (!err)
		err = kernel_type_size(k, "taint_flag", &elem);
	if (!err && !kernel_field_if(k, "taint_flag", "c_true", &c_true) &&
	    !kernel_field_if(k, "taint_flag", "true", &c_true))
		err = error_create(ERR_NOT_FOUND, "taint_flag has no c_true");
	if (!err && !kernel_field_if(k, "taint_flag", "c_false", &c_false) &&
	    !kernel_field_if(k, "taint_flag", "false", &c_false))
		err = error_create(ERR_NOT_FOUND, "taint_flag has no c_false");
	if (!err && (!elem || elem > 64))
		err = error_create(ERR_FORMAT, "struct taint_flag is %" PRIu64
				   " bytes", elem);
	/* the whole table: its length is the variable's size */
	if (!err)
		err = kernel_read_var(k, "taint_flags", NULL, table,
				      sizeof(table), &got);
	if (err)
		return err;
	for (i = 0; (i + 1) * elem <= got && n + 1 < size; i++) {
		const unsigned char *f = table + i * elem;
		bool set = i < 64 && ((*mask >> i) & 1);
		unsigned char c = set ? f[c_true.offset] : f[c_false.offset];

		if (set || (c != ' ' && c != '-' && c != 'G'))
			buf[n++] = (char)c;
	}
	buf[n] = '\0';
	return NULL;
}
