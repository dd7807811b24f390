/* ORC table lookup and entry decoding on synthetic tables of both
 * layouts (Linux 4.14-6.3: type:2 and an end flag; 6.4 on: type:3). */
#include <string.h>

#include "../../src/arch/x86_64_orc.h"
#include "test.h"

/* struct orc_entry: s16 sp_offset, s16 bp_offset, then sp_reg:4 bp_reg:4
 * and the type bits from bit 40 */
static const struct orc_layout old_layout = {
	.entry_size = 6, .sp_offset_at = 0, .bp_offset_at = 2,
	.sp_reg_bit = 32, .sp_reg_bits = 4, .bp_reg_bit = 36, .bp_reg_bits = 4,
	.type_bit = 40, .type_bits = 2, .end_bit = 42, .signal_bit = -1,
};

static const struct orc_layout new_layout = {
	.entry_size = 6, .sp_offset_at = 0, .bp_offset_at = 2,
	.sp_reg_bit = 32, .sp_reg_bits = 4, .bp_reg_bit = 36, .bp_reg_bits = 4,
	.type_bit = 40, .type_bits = 3, .end_bit = -1, .signal_bit = 43,
};

static void put_entry(unsigned char *p, int sp_off, int bp_off,
		      unsigned int sp_reg, unsigned int bp_reg,
		      unsigned int high)
{
	p[0] = (unsigned char)(sp_off & 0xff);
	p[1] = (unsigned char)((sp_off >> 8) & 0xff);
	p[2] = (unsigned char)(bp_off & 0xff);
	p[3] = (unsigned char)((bp_off >> 8) & 0xff);
	p[4] = (unsigned char)(sp_reg | bp_reg << 4);
	p[5] = (unsigned char)high;
}

/* ips: n addresses from base, stored relative to their slots */
static void put_ips(unsigned char *ips, uint64_t ips_addr,
		    const uint64_t *addrs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int32_t rel = (int32_t)(addrs[i] - (ips_addr + 4 * i));

		memcpy(ips + 4 * i, &rel, 4);
	}
}

TEST(orc_find_synthetic)
{
	/* the ip table lies above the text it describes, as in vmlinux */
	const uint64_t ips_addr = 0xffffffff82000000ULL;
	const uint64_t addrs[] = {
		0xffffffff81000000ULL, 0xffffffff81000010ULL,
		0xffffffff81000010ULL, 0xffffffff81000040ULL,
		0xffffffff81000100ULL,
	};
	unsigned char ips[4 * 5], ent[6 * 5];
	struct orc_table t = { ips, ent, 5, ips_addr, old_layout };
	struct orc_entry e;

	put_ips(ips, ips_addr, addrs, 5);
	put_entry(ent + 0, 8, 0, 5, 0, 0);		/* CALL sp+8 */
	put_entry(ent + 6, 16, -16, 5, 1, 0);		/* shadowed */
	put_entry(ent + 12, 24, -16, 5, 1, 0);		/* CALL sp+24 */
	put_entry(ent + 18, 0, 0, 5, 0, 1);		/* REGS */
	put_entry(ent + 24, 0, 0, 0, 0, 0);		/* no information */

	CHECK_EQ(orc_ip(&t, 3), addrs[3]);
	CHECK(!orc_find(&t, 0xffffffff80ffffffULL, &e));
	CHECK(orc_find(&t, addrs[0], &e));
	CHECK_EQ(e.type, ORC_CALL);
	CHECK_EQ(e.sp_offset, 8);
	CHECK(orc_find(&t, addrs[0] + 0xf, &e));
	CHECK_EQ(e.sp_offset, 8);
	/* of two entries at one address, the last */
	CHECK(orc_find(&t, addrs[1], &e));
	CHECK_EQ(e.sp_offset, 24);
	CHECK_EQ(e.bp_reg, ORC_REG_PREV_SP);
	CHECK_EQ(e.bp_offset, -16);
	CHECK(orc_find(&t, addrs[3] + 5, &e));
	CHECK_EQ(e.type, ORC_REGS);
	CHECK(orc_find(&t, addrs[4] + 0x1000, &e));
	CHECK_EQ(e.type, ORC_UNDEFINED);
	t.n = 0;
	CHECK(!orc_find(&t, addrs[0], &e));
}

TEST(orc_decode_layouts)
{
	unsigned char raw[6];
	struct orc_entry e;

	/* old: end flag */
	put_entry(raw, 0, 0, 0, 0, 1 << 2);
	orc_decode(&old_layout, raw, &e);
	CHECK_EQ(e.type, ORC_END);
	put_entry(raw, 0, 0, 5, 0, 2);
	orc_decode(&old_layout, raw, &e);
	CHECK_EQ(e.type, ORC_REGS_PARTIAL);
	CHECK(!e.signal);
	/* new: numbered types, signal flag */
	put_entry(raw, -8, 0, 9, 0, 0);
	orc_decode(&new_layout, raw, &e);
	CHECK_EQ(e.type, ORC_UNDEFINED);
	CHECK_EQ(e.sp_offset, -8);
	CHECK_EQ(e.sp_reg, ORC_REG_SP_INDIRECT);
	put_entry(raw, 0, 0, 0, 0, 1);
	orc_decode(&new_layout, raw, &e);
	CHECK_EQ(e.type, ORC_END);
	put_entry(raw, 16, 0, 5, 0, 2 | 1 << 3);
	orc_decode(&new_layout, raw, &e);
	CHECK_EQ(e.type, ORC_CALL);
	CHECK(e.signal);
	put_entry(raw, 0, 0, 5, 0, 3);
	orc_decode(&new_layout, raw, &e);
	CHECK_EQ(e.type, ORC_REGS);
	put_entry(raw, 0, 0, 5, 0, 4);
	orc_decode(&new_layout, raw, &e);
	CHECK_EQ(e.type, ORC_REGS_PARTIAL);
	put_entry(raw, 0, 0, 5, 0, 7);
	orc_decode(&new_layout, raw, &e);
	CHECK_EQ(e.type, ORC_UNDEFINED);
}
