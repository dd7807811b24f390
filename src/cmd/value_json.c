#include <string.h>

#include "../symbols/types.h"
#include "../util/error.h"
#include "value_json.h"

static void json_scalar(struct json *j, const struct value_print_opts *o,
			const struct type *st, uint64_t raw, unsigned int bits)
{
	bool is_signed = st->flags & TYPE_SIGNED;
	const struct type_enumerator *en;
	struct error *err;
	size_t n, i;

	if (st->kind == TYPE_BOOL && raw <= 1) {
		json_bool(j, raw);
		return;
	}
	if (st->kind == TYPE_ENUM) {
		int64_t v = is_signed ? value_sign_extend(raw, bits)
				      : (int64_t)raw;

		err = type_enumerators(o->ts, st, &en, &n);
		if (err) {
			error_free(err);
			n = 0;
		}
		for (i = 0; i < n; i++)
			if (en[i].value == v) {
				json_string(j, en[i].name);
				return;
			}
	}
	if (is_signed)
		json_int(j, value_sign_extend(raw, bits));
	else
		json_uint(j, bits >= 64 ? raw :
			  raw & ((UINT64_C(1) << bits) - 1));
}

static struct error *json_any(struct json *j, const struct value_print_opts *o,
			      struct type_ref t, const unsigned char *buf,
			      uint64_t addr);

static bool is_char(struct type_ref t)
{
	const struct type *st = type_strip_typedefs(t).type;

	return st->kind == TYPE_INT && st->size == 1;
}

static struct error *json_array_of(struct json *j,
				   const struct value_print_opts *o,
				   const struct type *at,
				   const unsigned char *buf, uint64_t addr)
{
	uint64_t esize = type_strip_typedefs(at->target).type->size, i;
	struct error *err = NULL;

	if (!at->count || !esize ||
	    (at->flags & (TYPE_VARIABLE_LENGTH | TYPE_VECTOR))) {
		json_hex(j, addr);
		return NULL;
	}
	if (is_char(at->target)) {
		const void *nul = memchr(buf, 0, at->count);

		json_string_len(j, (const char *)buf, nul ?
				(size_t)((const unsigned char *)nul - buf) :
				at->count);
		return NULL;
	}
	json_array(j);
	for (i = 0; i < at->count && !err; i++)
		err = json_any(j, o, at->target, buf + i * esize,
			       addr + i * esize);
	json_array_end(j);
	return err;
}

/* The members of st as keys of the object being written; an anonymous
 * struct or union's members join them, as C names them. */
static struct error *json_members(struct json *j,
				  const struct value_print_opts *o,
				  const struct type *st,
				  const unsigned char *buf, uint64_t addr)
{
	const struct type_member *m;
	struct error *err;
	size_t n, i;

	err = type_members(o->ts, st, &m, &n);
	for (i = 0; !err && i < n; i++) {
		const unsigned char *mb = buf + m[i].bit_offset / 8;
		const struct type *mt = type_strip_typedefs(m[i].type).type;

		if (!m[i].name && !m[i].bit_size &&
		    (mt->kind == TYPE_STRUCT || mt->kind == TYPE_UNION)) {
			err = json_members(j, o, type_complete(o->ts, mt), mb,
					   addr + m[i].bit_offset / 8);
			continue;
		}
		if (!m[i].name)
			continue;	/* an unnamed bit field: padding */
		json_key(j, m[i].name);
		if (m[i].bit_size)
			err = value_json_bits(j, o, m[i].type, mb,
					      st->size - m[i].bit_offset / 8,
					      m[i].bit_offset % 8,
					      m[i].bit_size);
		else
			err = json_any(j, o, m[i].type, mb,
				       addr + m[i].bit_offset / 8);
	}
	return err;
}

static struct error *json_any(struct json *j, const struct value_print_opts *o,
			      struct type_ref t, const unsigned char *buf,
			      uint64_t addr)
{
	const struct type *st = type_strip_typedefs(t).type;
	struct error *err;
	uint64_t v;
	size_t i;

	switch (st->kind) {
	case TYPE_INT:
	case TYPE_BOOL:
	case TYPE_ENUM:
		if (st->size == 16) {
			/* too wide for a JSON reader's number: hex */
			char hex[40];
			int n = snprintf(hex, sizeof(hex), "0x");

			for (i = 0; i < 16; i++)
				n += snprintf(hex + n, sizeof(hex) - n, "%02x",
					      buf[o->big_endian ? i : 15 - i]);
			json_string(j, hex);
			return NULL;
		}
		if (!st->size || st->size > 8) {
			json_null(j);
			return NULL;
		}
		v = value_get_uint(buf, st->size, o->big_endian);
		json_scalar(j, o, st, v, 8 * (unsigned int)st->size);
		return NULL;
	case TYPE_POINTER:
		json_hex(j, value_get_uint(buf, st->size, o->big_endian));
		return NULL;
	case TYPE_ARRAY:
		return json_array_of(j, o, st, buf, addr);
	case TYPE_STRUCT:
	case TYPE_UNION:
		json_object(j);
		err = json_members(j, o, type_complete(o->ts, st), buf, addr);
		json_object_end(j);
		return err;
	default:
		json_null(j);	/* floating point, functions, void */
		return NULL;
	}
}

struct error *value_json(struct json *j, const struct value_print_opts *o,
			 struct type_ref t, uint64_t addr, const void *buf,
			 size_t len)
{
	const struct type *st = type_strip_typedefs(t).type;

	if (len < st->size) {
		json_null(j);
		return error_create(ERR_INVALID, "%zu bytes for a value of "
				    "%llu", len, (unsigned long long)st->size);
	}
	return json_any(j, o, t, buf, addr);
}

struct error *value_json_bits(struct json *j, const struct value_print_opts *o,
			      struct type_ref t, const void *buf, size_t len,
			      uint64_t bit_offset, uint32_t bit_size)
{
	const struct type *st = type_strip_typedefs(t).type;
	uint64_t raw;
	struct error *err = value_bits(buf, len, o->big_endian, bit_offset,
				       bit_size, false, &raw);

	if (err) {
		json_null(j);
		return err;
	}
	json_scalar(j, o, st, raw, bit_size);
	return NULL;
}
