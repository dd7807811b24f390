/* The on-disk cache of the DWARF name index: see index_cache.h. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dwarf_index_table.h"
#include "index_cache.h"

/* Bump CACHE_VERSION whenever the layout, the tables' meaning or
 * dwarf_name_hash() change: old files are then rebuilt, not misread. */
static const char cache_magic[8] = "CRSHDIX\n";
#define CACHE_VERSION 1
#define CACHE_BYTE_ORDER 0x01020304u
#define CACHE_ALIGN 64
#define FLAG_SORTED 1u

enum { SEC_INFO, SEC_ABBREV, SEC_STR, SEC_STR_OFFSETS, SEC_LINE_STR,
       SEC_TYPES, NSECS };

struct cache_header {
	char magic[8];
	uint32_t version;
	uint32_t header_size;
	uint32_t byte_order;
	uint32_t flags;
	uint8_t build_id[INDEX_CACHE_MAX_BUILD_ID];
	uint64_t build_id_len;
	uint64_t file_size;
	int64_t mtime_sec, mtime_nsec;
	uint64_t section_size[NSECS];
	uint32_t nunits, nnames, nslots, nentries;
	uint64_t units_off, names_off, slots_off, entries_off, sorted_off;
	uint64_t file_len;		/* of the cache file */
	/* These two stay last (the tests rely on it). */
	uint64_t checksum;		/* of bytes header_size..file_len */
	uint64_t header_checksum;	/* of this header, this field 0 */
};

/* ---- checksum: four independent multiply-rotate lanes over 32-byte
 * blocks, so it runs at memory speed; it guards against damage, not
 * against someone forging a file (the load checks every index anyway). */

struct checksum {
	uint64_t lane[4];
	uint8_t buf[32];
	size_t nbuf;
	uint64_t total;
};

#define CK_PRIME1 0x9e3779b185ebca87ull
#define CK_PRIME2 0xc2b2ae3d27d4eb4full

static void ck_init(struct checksum *ck)
{
	ck->lane[0] = 0x243f6a8885a308d3ull;
	ck->lane[1] = 0x13198a2e03707344ull;
	ck->lane[2] = 0xa4093822299f31d0ull;
	ck->lane[3] = 0x082efa98ec4e6c89ull;
	ck->nbuf = 0;
	ck->total = 0;
}

static inline uint64_t ck_round(uint64_t lane, uint64_t v)
{
	lane ^= v * CK_PRIME2;
	lane = (lane << 31 | lane >> 33) * CK_PRIME1;
	return lane;
}

static void ck_blocks(struct checksum *ck, const uint8_t *p, size_t nblocks)
{
	uint64_t a = ck->lane[0], b = ck->lane[1], c = ck->lane[2],
		 d = ck->lane[3];

	while (nblocks--) {
		a = ck_round(a, dwarf_le64(p));
		b = ck_round(b, dwarf_le64(p + 8));
		c = ck_round(c, dwarf_le64(p + 16));
		d = ck_round(d, dwarf_le64(p + 24));
		p += 32;
	}
	ck->lane[0] = a;
	ck->lane[1] = b;
	ck->lane[2] = c;
	ck->lane[3] = d;
}

static void ck_update(struct checksum *ck, const void *data, size_t len)
{
	const uint8_t *p = data;

	ck->total += len;
	if (ck->nbuf) {
		size_t k = 32 - ck->nbuf < len ? 32 - ck->nbuf : len;

		memcpy(ck->buf + ck->nbuf, p, k);
		ck->nbuf += k;
		p += k;
		len -= k;
		if (ck->nbuf < 32)
			return;
		ck_blocks(ck, ck->buf, 1);
		ck->nbuf = 0;
	}
	ck_blocks(ck, p, len / 32);
	p += len / 32 * 32;
	len %= 32;
	memcpy(ck->buf, p, len);
	ck->nbuf = len;
}

static uint64_t ck_final(struct checksum *ck)
{
	uint64_t h;
	int i;

	if (ck->nbuf) {
		memset(ck->buf + ck->nbuf, 0, 32 - ck->nbuf);
		ck_blocks(ck, ck->buf, 1);
	}
	h = ck->total * CK_PRIME1;
	for (i = 0; i < 4; i++) {
		h ^= ck_round(0, ck->lane[i]);
		h = (h << 27 | h >> 37) * CK_PRIME1 + 0x85ebca77c2b2ae63ull;
	}
	h ^= h >> 33;
	h *= CK_PRIME2;
	h ^= h >> 29;
	return h;
}

uint64_t index_cache_checksum(const void *data, size_t len)
{
	struct checksum ck;

	ck_init(&ck);
	ck_update(&ck, data, len);
	return ck_final(&ck);
}

/* ---- the key ---- */

static struct error *notes_build_id(Elf_Data *data, uint8_t *id, size_t size,
				    size_t *len)
{
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nhdr;

	while ((off = gelf_getnote(data, off, &nhdr, &name_off, &desc_off))) {
		const char *name = (const char *)data->d_buf + name_off;

		if (nhdr.n_type != NT_GNU_BUILD_ID || nhdr.n_namesz != 4 ||
		    memcmp(name, "GNU", 4) || !nhdr.n_descsz)
			continue;
		if (nhdr.n_descsz > size)
			return error_create(ERR_FORMAT,
					    "build-id note of %u bytes is "
					    "too long", nhdr.n_descsz);
		memcpy(id, (const uint8_t *)data->d_buf + desc_off,
		       nhdr.n_descsz);
		*len = nhdr.n_descsz;
		return NULL;
	}
	return error_create(ERR_NOT_FOUND, "no build-id note");
}

struct error *index_cache_build_id(Elf *elf, uint8_t *id, size_t size,
				   size_t *len)
{
	Elf_Scn *scn = NULL;
	size_t i, nphdr;

	/* Sections first; a file without section headers has PT_NOTEs. */
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr shdr;
		Elf_Data *data;
		struct error *err;

		if (!gelf_getshdr(scn, &shdr) || shdr.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		err = notes_build_id(data, id, size, len);
		if (!err || err->code != ERR_NOT_FOUND)
			return err;
		error_free(err);
	}
	if (!elf_getphdrnum(elf, &nphdr)) {
		for (i = 0; i < nphdr; i++) {
			GElf_Phdr phdr;
			Elf_Data *data;
			struct error *err;

			if (!gelf_getphdr(elf, i, &phdr) ||
			    phdr.p_type != PT_NOTE)
				continue;
			data = elf_getdata_rawchunk(elf, phdr.p_offset,
						    phdr.p_filesz,
						    ELF_T_NHDR);
			if (!data)
				continue;
			err = notes_build_id(data, id, size, len);
			if (!err || err->code != ERR_NOT_FOUND)
				return err;
			error_free(err);
		}
	}
	return error_create(ERR_NOT_FOUND, "no GNU build-id note");
}

struct error *index_cache_key(const char *path, Elf *elf,
			      struct index_cache_key *key)
{
	struct error *err;
	struct stat st;

	memset(key, 0, sizeof(*key));
	err = index_cache_build_id(elf, key->build_id, sizeof(key->build_id),
				   &key->build_id_len);
	if (err)
		return error_prefix(err, "%s", path);
	if (stat(path, &st))
		return error_create(ERR_IO, "%s: %s", path, strerror(errno));
	key->file_size = st.st_size;
	key->mtime_sec = st.st_mtim.tv_sec;
	key->mtime_nsec = st.st_mtim.tv_nsec;
	return NULL;
}

struct error *index_cache_path(const struct index_cache_key *key, char **path)
{
	const char *dir = getenv("CRASH_CACHE_DIR"), *base;
	char hex[2 * INDEX_CACHE_MAX_BUILD_ID + 1];
	size_t i;
	int n;

	for (i = 0; i < key->build_id_len; i++)
		sprintf(hex + 2 * i, "%02x", key->build_id[i]);
	hex[2 * key->build_id_len] = 0;
	if (dir && *dir) {
		n = asprintf(path, "%s/dwarf-index-%s.idx", dir, hex);
	} else if ((base = getenv("XDG_CACHE_HOME")) && *base == '/') {
		n = asprintf(path, "%s/crash/dwarf-index-%s.idx", base, hex);
	} else if ((base = getenv("HOME")) && *base) {
		n = asprintf(path, "%s/.cache/crash/dwarf-index-%s.idx", base,
			     hex);
	} else {
		return error_create(ERR_NOT_FOUND,
				    "no cache directory: neither "
				    "CRASH_CACHE_DIR, XDG_CACHE_HOME nor HOME "
				    "is set");
	}
	if (n < 0)
		return error_nomem();
	return NULL;
}

/* ---- save ---- */

static void section_sizes(const struct dwarf_sections *secs, uint64_t *out)
{
	out[SEC_INFO] = secs->info.size;
	out[SEC_ABBREV] = secs->abbrev.size;
	out[SEC_STR] = secs->str.size;
	out[SEC_STR_OFFSETS] = secs->str_offsets.size;
	out[SEC_LINE_STR] = secs->line_str.size;
	out[SEC_TYPES] = secs->types.size;
}

/* mkdir -p, private to the user: the cache says what they debug. */
static struct error *make_dirs(const char *file)
{
	char *dir = strdup(file), *slash;
	struct error *err = NULL;

	if (!dir)
		return error_nomem();
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = 0;
		for (slash = dir + 1; ; slash++) {
			if (*slash && *slash != '/')
				continue;
			char c = *slash;

			*slash = 0;
			if (mkdir(dir, 0700) && errno != EEXIST) {
				err = error_create(ERR_IO,
						   "cannot create %s: %s", dir,
						   strerror(errno));
				break;
			}
			*slash = c;
			if (!c)
				break;
		}
	}
	free(dir);
	return err;
}

struct piece {
	const void *data;
	size_t len;
	uint64_t *off;
};

static bool write_all(int fd, const void *data, size_t len, off_t off)
{
	const char *p = data;

	while (len) {
		ssize_t n = pwrite(fd, p, len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= n;
		off += n;
	}
	return true;
}

struct error *index_cache_save(const struct dwarf_index *idx,
			       const struct index_cache_key *key,
			       const char *path)
{
	static const uint8_t zeros[CACHE_ALIGN];
	struct cache_header h;
	struct piece pieces[5];
	struct checksum ck;
	struct error *err;
	char *tmp = NULL;
	size_t npieces = 0, i;
	uint64_t off;
	int fd;

	memset(&h, 0, sizeof(h));
	memcpy(h.magic, cache_magic, sizeof(h.magic));
	h.version = CACHE_VERSION;
	h.header_size = sizeof(h);
	h.byte_order = CACHE_BYTE_ORDER;
	h.flags = idx->sorted ? FLAG_SORTED : 0;
	memcpy(h.build_id, key->build_id, key->build_id_len);
	h.build_id_len = key->build_id_len;
	h.file_size = key->file_size;
	h.mtime_sec = key->mtime_sec;
	h.mtime_nsec = key->mtime_nsec;
	section_sizes(&idx->secs, h.section_size);
	h.nunits = idx->nunits;
	h.nnames = idx->nnames;
	h.nslots = idx->nslots;
	h.nentries = idx->nentries;
	pieces[npieces++] = (struct piece){ idx->units,
		idx->nunits * sizeof(*idx->units), &h.units_off };
	pieces[npieces++] = (struct piece){ idx->names,
		idx->nnames * sizeof(*idx->names), &h.names_off };
	pieces[npieces++] = (struct piece){ idx->slots,
		idx->nslots * sizeof(*idx->slots), &h.slots_off };
	pieces[npieces++] = (struct piece){ idx->entries,
		idx->nentries * sizeof(*idx->entries), &h.entries_off };
	if (idx->sorted)
		pieces[npieces++] = (struct piece){ idx->sorted,
			idx->nnames * sizeof(*idx->sorted), &h.sorted_off };

	err = make_dirs(path);
	if (err)
		return err;
	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return error_nomem();
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = error_create(ERR_IO, "cannot create %s: %s", tmp,
				   strerror(errno));
		free(tmp);
		return err;
	}
	/* The tables first, summed on the way; the header last. */
	ck_init(&ck);
	off = (sizeof(h) + CACHE_ALIGN - 1) / CACHE_ALIGN * CACHE_ALIGN;
	if (!write_all(fd, zeros, off - sizeof(h), sizeof(h)))
		goto io_error;
	ck_update(&ck, zeros, off - sizeof(h));
	for (i = 0; i < npieces; i++) {
		size_t pad = (CACHE_ALIGN - pieces[i].len % CACHE_ALIGN) %
			     CACHE_ALIGN;

		*pieces[i].off = off;
		if (!write_all(fd, pieces[i].data, pieces[i].len, off) ||
		    !write_all(fd, zeros, pad, off + pieces[i].len))
			goto io_error;
		ck_update(&ck, pieces[i].data, pieces[i].len);
		ck_update(&ck, zeros, pad);
		off += pieces[i].len + pad;
	}
	h.file_len = off;
	h.checksum = ck_final(&ck);
	h.header_checksum = index_cache_checksum(&h, sizeof(h));
	if (!write_all(fd, &h, sizeof(h), 0))
		goto io_error;
	/* No fsync: after a system crash a short or empty file fails the
	 * checks on load and is rebuilt, which is all a cache needs. */
	if (close(fd)) {
		fd = -1;
		goto io_error;
	}
	fd = -1;
	if (rename(tmp, path))
		goto io_error;
	free(tmp);
	return NULL;

io_error:
	err = error_create(ERR_IO, "cannot write the index cache %s: %s",
			   path, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return err;
}

/* ---- load ---- */

static bool array_fits(const struct cache_header *h, uint64_t off,
		       uint64_t n, size_t elem)
{
	return off >= h->header_size && off % 8 == 0 && off <= h->file_len &&
	       n <= (h->file_len - off) / elem;
}

/* Every index the tables hold must point where it may: a cache file is
 * data from outside, whatever its checksum says. */
static const char *check_tables(const struct dwarf_index *idx)
{
	const struct dwarf_sections *s = &idx->secs;
	bool terminated[4];
	uint32_t i;

	if (!idx->nslots || idx->nslots & (idx->nslots - 1) ||
	    idx->nnames >= idx->nslots)
		return "bad hash table size";
	for (i = 0; i < idx->nunits; i++) {
		const struct dwarf_index_unit_rec *u = &idx->units[i];
		size_t size = u->flags & UNIT_IN_TYPES ? s->types.size :
							 s->info.size;

		if (u->offset >= size)
			return "unit offset out of range";
	}
	for (i = 0; i < 4; i++) {
		const struct dwarf_section *sec = dwarf_strsec(s, i);

		terminated[i] = sec->size && !sec->data[sec->size - 1];
	}
	for (i = 0; i < idx->nnames; i++) {
		const struct dwarf_index_name *n = &idx->names[i];
		const struct dwarf_section *sec;

		if (n->sec > STRSEC_TYPES)
			return "bad name section";
		sec = dwarf_strsec(s, n->sec);
		if (n->str >= sec->size)
			return "name offset out of range";
		if (!terminated[n->sec] &&
		    !memchr(sec->data + n->str, 0, sec->size - n->str))
			return "name not terminated";
		if ((uint64_t)n->first + n->count > idx->nentries)
			return "name entries out of range";
	}
	for (i = 0; i < idx->nslots; i++)
		if (idx->slots[i] > idx->nnames)
			return "hash slot out of range";
	for (i = 0; i < idx->nentries; i++) {
		const struct dwarf_index_entry *e = &idx->entries[i];
		uint32_t unit = ENTRY_UNIT(e->info);

		if (unit >= idx->nunits)
			return "entry unit out of range";
		if (e->die >= (idx->units[unit].flags & UNIT_IN_TYPES ?
			       s->types.size : s->info.size))
			return "entry offset out of range";
	}
	if (idx->sorted)
		for (i = 0; i < idx->nnames; i++)
			if (idx->sorted[i] >= idx->nnames)
				return "sorted name out of range";
	return NULL;
}

static const char *check_header(const struct cache_header *h, size_t size,
				const struct index_cache_key *key,
				const struct dwarf_sections *secs)
{
	struct cache_header copy;
	uint64_t sizes[NSECS];

	if (size < sizeof(*h))
		return "truncated header";
	if (memcmp(h->magic, cache_magic, sizeof(h->magic)))
		return "not an index cache file";
	if (h->version != CACHE_VERSION || h->header_size != sizeof(*h) ||
	    h->byte_order != CACHE_BYTE_ORDER)
		return "written by another version";
	copy = *h;
	copy.header_checksum = 0;
	if (index_cache_checksum(&copy, sizeof(copy)) != h->header_checksum)
		return "header checksum mismatch";
	if (h->build_id_len != key->build_id_len ||
	    memcmp(h->build_id, key->build_id, key->build_id_len))
		return "made for another build-id";
	if (h->file_size != key->file_size || h->mtime_sec != key->mtime_sec ||
	    h->mtime_nsec != key->mtime_nsec)
		return "the vmlinux changed since it was made";
	section_sizes(secs, sizes);
	if (memcmp(sizes, h->section_size, sizeof(sizes)))
		return "debug section sizes differ";
	if (h->file_len != size)
		return "truncated or extended";
	if (!array_fits(h, h->units_off, h->nunits,
			sizeof(struct dwarf_index_unit_rec)) ||
	    !array_fits(h, h->names_off, h->nnames,
			sizeof(struct dwarf_index_name)) ||
	    !array_fits(h, h->slots_off, h->nslots, sizeof(uint32_t)) ||
	    !array_fits(h, h->entries_off, h->nentries,
			sizeof(struct dwarf_index_entry)) ||
	    (h->flags & FLAG_SORTED &&
	     !array_fits(h, h->sorted_off, h->nnames, sizeof(uint32_t))))
		return "tables out of the file";
	return NULL;
}

struct error *index_cache_load(const char *path,
			       const struct index_cache_key *key,
			       const struct dwarf_sections *secs,
			       struct dwarf_index **out)
{
	const struct cache_header *h;
	struct dwarf_index *idx;
	const char *why;
	const uint8_t *map;
	struct stat st;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_create(errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
				    "%s: %s", path, strerror(errno));
	if (fstat(fd, &st)) {
		close(fd);
		return error_create(ERR_IO, "%s: %s", path, strerror(errno));
	}
	if ((size_t)st.st_size < sizeof(*h)) {
		close(fd);
		return error_create(ERR_FORMAT, "%s: truncated header", path);
	}
	/* Populated: the checksum reads every page anyway. */
	map = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE,
		   fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return error_create(ERR_IO, "%s: %s", path, strerror(errno));
	h = (const void *)map;
	why = check_header(h, st.st_size, key, secs);
	if (!why && index_cache_checksum(map + h->header_size,
			     h->file_len - h->header_size) != h->checksum)
		why = "checksum mismatch";
	idx = why ? NULL : calloc(1, sizeof(*idx));
	if (!why && !idx) {
		munmap((void *)map, st.st_size);
		return error_nomem();
	}
	if (!why) {
		idx->secs = *secs;
		idx->units = (const void *)(map + h->units_off);
		idx->nunits = h->nunits;
		idx->names = (const void *)(map + h->names_off);
		idx->nnames = h->nnames;
		idx->slots = (const void *)(map + h->slots_off);
		idx->nslots = h->nslots;
		idx->entries = (const void *)(map + h->entries_off);
		idx->nentries = h->nentries;
		if (h->flags & FLAG_SORTED)
			idx->sorted = (const void *)(map + h->sorted_off);
		idx->map = (void *)map;
		idx->map_size = st.st_size;
		why = check_tables(idx);
	}
	if (why) {
		free(idx);
		munmap((void *)map, st.st_size);
		return error_create(ERR_FORMAT, "index cache %s: %s", path,
				    why);
	}
	*out = idx;
	return NULL;
}

/* ---- the policy ---- */

static void set_why(struct index_cache_status *status, struct error *err)
{
	if (status) {
		error_free(status->why);
		status->why = err;
	} else {
		error_free(err);
	}
}

struct error *dwarf_index_open(const char *path, Elf *elf,
			       const struct dwarf_sections *secs,
			       unsigned int nthreads,
			       struct dwarf_index **out,
			       struct index_cache_status *status)
{
	const char *off = getenv("CRASH_NO_INDEX_CACHE");
	bool use_cache = !off || !*off || !strcmp(off, "0");
	struct index_cache_key key;
	struct error *err = NULL;
	char *file = NULL;

	*out = NULL;
	if (status)
		memset(status, 0, sizeof(*status));
	if (use_cache) {
		err = index_cache_key(path, elf, &key);
		if (!err)
			err = index_cache_path(&key, &file);
		if (!err) {
			err = index_cache_load(file, &key, secs, out);
			if (!err) {
				if (status)
					status->loaded = true;
				free(file);
				return NULL;
			}
		}
		set_why(status, err);
	}
	err = dwarf_index_build(secs, nthreads, out);
	if (err || !file) {
		free(file);
		return err;
	}
	err = index_cache_save(*out, &key, file);
	if (err)
		set_why(status, err);
	else if (status)
		status->saved = true;
	free(file);
	return NULL;
}
