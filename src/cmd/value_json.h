/* Values of the kernel's types as JSON, for struct and the other commands
 * that show memory through a type in JSON output mode. */
#ifndef CRASH_VALUE_JSON_H
#define CRASH_VALUE_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "../kernel/value_print.h"
#include "../util/json.h"

/*
 * Write the value of type t held in buf (len bytes, at least its size),
 * read from addr:
 *   integers       numbers (a 16-byte one as a "0x..." string)
 *   bool           true or false (a number if the byte is not 0 or 1)
 *   enum           the enumerator's name, or the number if none has it
 *   pointer        "0x..."
 *   char array     a string, up to the first NUL
 *   other arrays   arrays (one of no size: its address, "0x...")
 *   struct, union  objects, the members of anonymous ones merged in
 *   float, function  null
 * The JSON stays well-formed whatever the value; errors come from
 * reading the types.
 */
struct error *value_json(struct json *j, const struct value_print_opts *o,
			 struct type_ref t, uint64_t addr, const void *buf,
			 size_t len);

/* The same for a bit field of an integer, bool or enum type. */
struct error *value_json_bits(struct json *j, const struct value_print_opts *o,
			      struct type_ref t, const void *buf, size_t len,
			      uint64_t bit_offset, uint32_t bit_size);

#endif
