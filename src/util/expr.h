/* Integer expressions as crash commands take them (eval, rd, sym+offset):
 * + - * / % << >> & | ^ ~ ! and parentheses over 64-bit values; names
 * resolved by the caller (symbols).  Numbers: 0x... is hex; digits only
 * are decimal, or hex when the caller says so (addresses); digits with
 * a-f in them are hex, as in the classic crash. */
#ifndef CRASH_EXPR_H
#define CRASH_EXPR_H

#include <stdbool.h>
#include <stdint.h>

struct error;

/* Resolve a name to a value, or return an ERR_NOT_FOUND error. */
typedef struct error *(*expr_name_fn)(const char *name, uint64_t *value,
				      void *arg);

struct error *expr_eval(const char *text, bool hex_default,
			expr_name_fn resolve, void *arg, uint64_t *value);

#endif
