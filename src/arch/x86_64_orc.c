/* ORC table lookup: see x86_64_orc.h. */
#include "../util/endian.h"
#include "x86_64_orc.h"

static unsigned int bits(uint64_t word, unsigned int at, unsigned int n)
{
	if (!n || at >= 64)
		return 0;
	return (unsigned int)((word >> at) & ((UINT64_C(1) << n) - 1));
}

void orc_decode(const struct orc_layout *l, const unsigned char *raw,
		struct orc_entry *out)
{
	uint64_t word = 0;
	unsigned int i, type;
	bool end;

	for (i = 0; i < l->entry_size && i < 8; i++)
		word |= (uint64_t)raw[i] << (8 * i);
	out->sp_offset = (int16_t)get16(raw + l->sp_offset_at, false);
	out->bp_offset = (int16_t)get16(raw + l->bp_offset_at, false);
	out->sp_reg = (uint8_t)bits(word, l->sp_reg_bit, l->sp_reg_bits);
	out->bp_reg = (uint8_t)bits(word, l->bp_reg_bit, l->bp_reg_bits);
	out->signal = l->signal_bit >= 0 &&
		bits(word, (unsigned int)l->signal_bit, 1);
	end = l->end_bit >= 0 && bits(word, (unsigned int)l->end_bit, 1);
	type = bits(word, l->type_bit, l->type_bits);
	if (l->type_bits >= 3) {
		/* Linux 6.4 on: UNDEFINED, END_OF_STACK, CALL, REGS,
		 * REGS_PARTIAL */
		static const enum orc_type wide[] = {
			ORC_UNDEFINED, ORC_END, ORC_CALL, ORC_REGS,
			ORC_REGS_PARTIAL,
		};

		out->type = type < 5 ? wide[type] : ORC_UNDEFINED;
		return;
	}
	/* Before: CALL, REGS, REGS_PARTIAL, with an "end" flag; an entry
	 * with no stack pointer register is the "no information" entry. */
	if (end)
		out->type = ORC_END;
	else if (out->sp_reg == ORC_REG_UNDEFINED)
		out->type = ORC_UNDEFINED;
	else if (type == 1)
		out->type = ORC_REGS;
	else if (type == 2)
		out->type = ORC_REGS_PARTIAL;
	else if (type == 0)
		out->type = ORC_CALL;
	else
		out->type = ORC_UNDEFINED;
}

uint64_t orc_ip(const struct orc_table *t, size_t i)
{
	int32_t rel = (int32_t)get32(t->ips + 4 * i, false);

	return t->ips_addr + 4 * (uint64_t)i + (uint64_t)(int64_t)rel;
}

bool orc_find(const struct orc_table *t, uint64_t ip, struct orc_entry *out)
{
	size_t lo = 0, hi = t->n, mid;

	if (!t->n || ip < orc_ip(t, 0))
		return false;
	/* the last entry at or below ip: [lo, hi) holds it */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (orc_ip(t, mid) <= ip)
			lo = mid;
		else
			hi = mid;
	}
	orc_decode(&t->layout, t->entries + lo * t->layout.entry_size, out);
	return true;
}
