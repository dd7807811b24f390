#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../kernel/modules.h"
#include "../session.h"
#include "../symbols/module_object.h"
#include "../util/error.h"
#include "commands.h"

const char *const mod_help[] = {
	"NAME",
	"  mod - module information and loading of symbols",
	"",
	"SYNOPSIS",
	"  mod [-s module [objfile] | -d module | -S [directory] | -D | -t]",
	"",
	"DESCRIPTION",
	"  With no arguments, this command lists the loaded modules: the address",
	"  of each struct module, the module's name, the base address of its",
	"  text (BASE on kernels before 6.4, TEXT_BASE after, when modules",
	"  have several memory regions), the size of its memory without the",
	"  init parts the kernel has freed, and the object file whose symbols",
	"  were loaded, or \"(not loaded)\".  \"[CONFIG_KALLSYMS]\" says that",
	"  the kernel kept the module's own symbol table: then every symbol of",
	"  the module already has a name in sym, rd -s and expressions, with",
	"  no object file.  Where a module is named (-s, -d), the address of",
	"  its struct module or of its text may stand for its name.",
	"",
	"  Loading a module's object file (.ko) adds the symbols the kernel",
	"  left out and the symbol types nm(1) shows.  The file must be the",
	"  module's own: its .modinfo name is checked.",
	"",
	"  -s module [objfile]  Loads the symbols of module from objfile, or",
	"                       if none is given, from the first module.ko",
	"                       (module-name.ko, module.ko.debug) found under",
	"                       /usr/lib/debug/lib/modules/<release> (the",
	"                       debug modules of a -dbg package), then",
	"                       /lib/modules/<release>, then the directory of",
	"                       the vmlinux.  The CRASH_MODULE_PATH environment",
	"                       variable replaces the first two.",
	"            -d module  Forgets the object file of module.",
	"       -S [directory]  Loads the object files of all modules, searched",
	"                       for as with -s, or only under directory.",
	"                   -D  Forgets the object files of all modules.",
	"                   -t  Shows the modules whose \"taints\" are not zero,",
	"                       with the kernel's taint letters (P proprietary,",
	"                       O out of tree, E unsigned, ...), as in",
	"                       /proc/modules; \"no tainted modules\" if none.",
	"",
	"  A module list that is damaged (a pointer into nowhere, a list that",
	"  runs in a circle) is shown up to the damage, followed by an error",
	"  naming the address where it broke.",
	"",
	"EXAMPLES",
	"  Display the loaded modules:",
	"",
	"    crash> mod",
	"         MODULE       NAME            TEXT_BASE       SIZE  OBJECT FILE",
	"    ffffffffc04145c0  virtio_blk   ffffffffc0410000  32768  (not loaded)  [CONFIG_KALLSYMS]",
	"    ffffffffc041e340  qemu_fw_cfg  ffffffffc041c000  20480  (not loaded)  [CONFIG_KALLSYMS]",
	"",
	"  Load the symbols of all modules from a directory of .ko files:",
	"",
	"    crash> mod -S /tmp/modules",
	"         MODULE       NAME            TEXT_BASE       SIZE  OBJECT FILE",
	"    ffffffffc04145c0  virtio_blk   ffffffffc0410000  32768  /tmp/modules/virtio_blk.ko",
	"    ffffffffc041e340  qemu_fw_cfg  ffffffffc041c000  20480  /tmp/modules/qemu_fw_cfg.ko",
	"",
	"  Show the tainted modules:",
	"",
	"    crash> mod -t",
	"    no tainted modules",
	NULL,
};

static struct module_list *modules_or_say(struct session *s)
{
	const struct error *why;
	struct module_list *ml = session_modules(s, &why);

	if (!ml)
		fprintf(stderr, "mod: %s\n", why ? why->message :
			"no module list");
	return ml;
}

static void print_header(struct session *s, const struct module_list *ml,
			 int namew, int sizew)
{
	print_centred(s->out, "MODULE", 16, false);
	fprintf(s->out, "  %-*s  ", namew, "NAME");
	print_centred(s->out, ml->regions_named ? "TEXT_BASE" : "BASE", 16,
		      false);
	fprintf(s->out, "  %*s  OBJECT FILE\n", sizew, "SIZE");
}

/* The list, or only the module at addr (its struct module or base); how
 * many modules were shown. */
/* One module as mod shows it, with its regions and taints. */
static void json_module(struct json *j, const struct module_list *ml,
			const struct kmodule *m)
{
	unsigned int r;

	json_object(j);
	json_khex(j, "module", m->addr);
	json_kstring(j, "name", m->name);
	json_khex(j, "base", m->base);
	json_kuint(j, "size", m->size);
	json_kstring(j, "object_file", m->object ? m->object->path : NULL);
	json_kbool(j, "kallsyms", m->kallsyms);
	json_key(j, "taints");
	if (ml->has_taints)
		json_hex(j, m->taints);
	else
		json_null(j);
	json_key(j, "regions");
	json_array(j);
	for (r = 0; r < m->nregions; r++) {
		json_object(j);
		json_kstring(j, "label", m->regions[r].label);
		json_khex(j, "base", m->regions[r].base);
		json_kuint(j, "size", m->regions[r].size);
		json_kbool(j, "init", m->regions[r].init);
		json_object_end(j);
	}
	json_array_end(j);
	json_object_end(j);
}

static int print_list(struct session *s, const struct module_list *ml,
		       bool only, uint64_t addr)
{
	int namew = 0, sizew = 0, shown = 0;
	struct json *j = session_json(s);
	size_t i;

	if (j) {
		json_array(j);
		for (i = 0; i < ml->n; i++)
			if (!only || ml->mods[i].addr == addr ||
			    ml->mods[i].base == addr) {
				json_module(j, ml, &ml->mods[i]);
				shown++;
			}
		json_array_end(j);
		return shown;
	}

	for (i = 0; i < ml->n; i++) {
		int w = snprintf(NULL, 0, "%" PRIu64, ml->mods[i].size);

		if ((int)strlen(ml->mods[i].name) > namew)
			namew = (int)strlen(ml->mods[i].name);
		if (w > sizew)
			sizew = w;
	}
	for (i = 0; i < ml->n; i++) {
		const struct kmodule *m = &ml->mods[i];

		if (only && m->addr != addr && m->base != addr)
			continue;
		if (!shown++)
			print_header(s, ml, namew, sizew);
		fprintf(s->out, "%16" PRIx64 "  %-*s  %16" PRIx64 "  %*" PRIu64
			"  ", m->addr, namew, m->name, m->base, sizew,
			m->size);
		if (m->object)
			fprintf(s->out, "%s\n", m->object->path);
		else
			fprintf(s->out, "(not loaded)%s\n",
				m->kallsyms ? "  [CONFIG_KALLSYMS]" : "");
	}
	return shown;
}

static void print_walk_error(const struct module_list *ml)
{
	if (ml->walk_error)
		fprintf(stderr, "mod: %s\n", ml->walk_error->message);
}

static int list_taints(struct session *s, const struct module_list *ml)
{
	struct kernel k = session_kernel(s);
	int namew = 0, n = 0;
	size_t i;

	for (i = 0; i < ml->n; i++)
		if (ml->mods[i].taints) {
			if ((int)strlen(ml->mods[i].name) > namew)
				namew = (int)strlen(ml->mods[i].name);
			n++;
		}
	if (!n) {
		fprintf(s->out, "no tainted modules\n");
		return 0;
	}
	fprintf(s->out, "%-*s  TAINTS\n", namew, "NAME");
	for (i = 0; i < ml->n; i++) {
		char letters[128];
		struct error *err;

		if (!ml->mods[i].taints)
			continue;
		err = modules_taint_string(&k, ml->mods[i].taints, letters,
					   sizeof(letters));
		if (err) {
			snprintf(letters, sizeof(letters), "%" PRIx64,
				 ml->mods[i].taints);
			error_free(err);
		}
		fprintf(s->out, "%-*s  %s\n", namew, ml->mods[i].name, letters);
	}
	return 0;
}

/* Where to look for object files, in order. */
struct search {
	char dirs[4][4096];
	int ndirs;
};

static void default_dirs(struct session *s, struct search *sr)
{
	struct kernel k = session_kernel(s);
	const char *env = getenv("CRASH_MODULE_PATH");
	char release[65] = "";
	size_t got = 0;
	struct error *err;

	err = kernel_read_var(&k, "init_uts_ns", "name.release", release,
			      sizeof(release) - 1, &got);
	error_free(err);
	release[err ? 0 : got < sizeof(release) ? got : sizeof(release) - 1] =
		'\0';
	sr->ndirs = 0;
	if (env && *env) {
		snprintf(sr->dirs[sr->ndirs++], sizeof(sr->dirs[0]), "%s",
			 env);
	} else if (release[0]) {
		snprintf(sr->dirs[sr->ndirs++], sizeof(sr->dirs[0]),
			 "/usr/lib/debug/lib/modules/%s", release);
		snprintf(sr->dirs[sr->ndirs++], sizeof(sr->dirs[0]),
			 "/lib/modules/%s", release);
	}
	if (s->namelist) {
		const char *slash = strrchr(s->namelist, '/');

		if (slash)
			snprintf(sr->dirs[sr->ndirs++], sizeof(sr->dirs[0]),
				 "%.*s", (int)(slash - s->namelist),
				 s->namelist);
		else
			snprintf(sr->dirs[sr->ndirs++], sizeof(sr->dirs[0]),
				 ".");
	}
}

/* nftw() takes no argument: the walk's state lives here for its length. */
static struct {
	const struct module_list *ml;
	const char *only;	/* NULL: every module */
	char **paths;		/* by module index; first found wins */
	long visited;
} walk;

#define MAX_FILES_VISITED 500000

/* "virtio-blk.ko" or "virtio_blk.ko.debug" -> "virtio_blk" in name. */
static bool module_file_name(const char *base, char *name, size_t size)
{
	size_t n = strlen(base), i;

	if (n > 9 && !strcmp(base + n - 9, ".ko.debug"))
		n -= 9;
	else if (n > 3 && !strcmp(base + n - 3, ".ko"))
		n -= 3;
	else
		return false;
	if (n >= size)
		return false;
	for (i = 0; i < n; i++)
		name[i] = base[i] == '-' ? '_' : base[i];
	name[n] = '\0';
	return true;
}

static int visit(const char *path, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	char name[128];
	size_t i;

	(void)st;
	if (++walk.visited > MAX_FILES_VISITED)
		return 1;
	if (flag != FTW_F ||
	    !module_file_name(path + ftw->base, name, sizeof(name)))
		return 0;
	if (walk.only && strcmp(walk.only, name))
		return 0;
	for (i = 0; i < walk.ml->n; i++)
		if (!walk.paths[i] && !strcmp(walk.ml->mods[i].name, name)) {
			walk.paths[i] = strdup(path);
			break;
		}
	return 0;
}

/* Fill paths[] (by module index) with the object files found. */
static void find_objects(const struct module_list *ml, const char *only,
			 const struct search *sr, char **paths)
{
	int d;

	walk.ml = ml;
	walk.only = only;
	walk.paths = paths;
	walk.visited = 0;
	for (d = 0; d < sr->ndirs; d++)
		nftw(sr->dirs[d], visit, 16, FTW_PHYS);
	memset(&walk, 0, sizeof(walk));
}

static int load_object(struct kmodule *m, const char *path)
{
	struct module_object *o;
	struct error *err = module_object_open(path, &o);
	size_t added;

	if (!err) {
		err = modules_add_object(m, o, &added);
		if (err)
			module_object_close(o);
	}
	if (err) {
		fprintf(stderr, "mod: %s\n", err->message);
		error_free(err);
		return 1;
	}
	return 0;
}

static int load_objects(struct session *s, struct module_list *ml,
			const char *only, const char *file, const char *dir)
{
	struct search sr = { .ndirs = 0 };
	char **paths;
	int rc = 0;
	size_t i;

	if (only && !modules_find(ml, only)) {
		fprintf(stderr, "mod: %s: no such module is loaded\n", only);
		return 1;
	}
	paths = calloc(ml->n ? ml->n : 1, sizeof(*paths));
	if (!paths) {
		fprintf(stderr, "mod: out of memory\n");
		return 1;
	}
	if (file) {
		for (i = 0; i < ml->n; i++)
			if (!strcmp(ml->mods[i].name, only))
				paths[i] = strdup(file);
	} else {
		if (dir) {
			struct stat st;

			if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
				fprintf(stderr, "mod: %s: %s\n", dir,
					stat(dir, &st) ? strerror(errno) :
					"not a directory");
				free(paths);
				return 1;
			}
			snprintf(sr.dirs[0], sizeof(sr.dirs[0]), "%s", dir);
			sr.ndirs = 1;
		} else {
			default_dirs(s, &sr);
		}
		find_objects(ml, only, &sr, paths);
	}
	for (i = 0; i < ml->n; i++) {
		struct kmodule *m = &ml->mods[i];

		if (only && strcmp(m->name, only))
			continue;
		if (!paths[i]) {
			int d;

			fprintf(stderr, "mod: cannot find %s.ko under ",
				m->name);
			for (d = 0; d < sr.ndirs; d++)
				fprintf(stderr, "%s%s", d ? ", " : "",
					sr.dirs[d]);
			fprintf(stderr, "%s\n", sr.ndirs ? "" :
				"any directory (no release known)");
			rc = 1;
			continue;
		}
		if (m->object && !strcmp(m->object->path, paths[i]))
			continue;	/* loaded already */
		rc |= load_object(m, paths[i]);
	}
	for (i = 0; i < ml->n; i++)
		free(paths[i]);
	free(paths);
	if (only) {
		const struct kmodule *m = modules_find(ml, only);

		if (m->object)
			print_list(s, ml, true, m->addr);
	} else {
		print_list(s, ml, false, 0);
	}
	return rc;
}

/* mod -d NAME / -D: read the modules again, loading the object files of
 * the others (all of them with -D) anew. */
static int forget_objects(struct session *s, const char *name)
{
	struct module_list *ml = modules_or_say(s);
	char **keep_name = NULL, **keep_path = NULL;
	size_t n = 0, i;
	int rc = 0;

	if (!ml)
		return 1;
	if (name && !modules_find(ml, name)) {
		fprintf(stderr, "mod: %s: no such module is loaded\n", name);
		return 1;
	}
	if (name) {
		keep_name = calloc(ml->n + 1, sizeof(*keep_name));
		keep_path = calloc(ml->n + 1, sizeof(*keep_path));
		for (i = 0; keep_name && keep_path && i < ml->n; i++)
			if (ml->mods[i].object && strcmp(ml->mods[i].name,
							  name)) {
				keep_name[n] = strdup(ml->mods[i].name);
				keep_path[n++] = strdup(ml->mods[i].object->path);
			}
	}
	session_modules_reset(s);
	ml = modules_or_say(s);
	for (i = 0; i < n; i++) {
		struct kmodule *m = ml && keep_name[i] && keep_path[i] ?
				    modules_find(ml, keep_name[i]) : NULL;

		if (m)
			rc |= load_object(m, keep_path[i]);
		free(keep_name[i]);
		free(keep_path[i]);
	}
	free(keep_name);
	free(keep_path);
	return rc;
}

/* The name of the module arg names: its name, or the hexadecimal address
 * of its struct module or text; arg itself if none matches. */
static const char *module_name_of(const struct module_list *ml,
				  const char *arg)
{
	char *end;
	uint64_t addr = strtoull(arg, &end, 16);
	size_t i;

	if (modules_find(ml, arg) || *end || end == arg)
		return arg;
	for (i = 0; i < ml->n; i++)
		if (ml->mods[i].addr == addr || ml->mods[i].base == addr)
			return ml->mods[i].name;
	return arg;
}

int cmd_mod(struct session *s, int argc, char **argv)
{
	struct module_list *ml;
	const char *one = NULL, *forget = NULL;
	bool all = false, taints = false, forget_all = false;
	int c, rc;

	optind = 0;
	while ((c = getopt(argc, argv, "s:Sd:Dt")) != -1) {
		switch (c) {
		case 's': one = optarg; break;
		case 'S': all = true; break;
		case 'd': forget = optarg; break;
		case 'D': forget_all = true; break;
		case 't': taints = true; break;
		default:
			fprintf(stderr, "usage: mod [-s module [objfile] | -d "
				"module | -S [directory] | -D | -t]\n");
			return 1;
		}
	}
	if (one || forget) {
		/* a module by name, or by the address of its struct module
		 * or of its text, as the classic crash takes it */
		const char *name = one ? one : forget;

		ml = modules_or_say(s);
		if (!ml)
			return 1;
		name = module_name_of(ml, name);
		if (one)
			one = name;
		else
			forget = name;
	}
	if ((one != NULL) + all + (forget != NULL) + forget_all + taints > 1) {
		fprintf(stderr, "mod: -s, -S, -d, -D and -t go alone\n");
		return 1;
	}
	if (forget || forget_all)
		return forget_objects(s, forget);
	ml = modules_or_say(s);
	if (!ml)
		return 1;
	if (taints)
		rc = list_taints(s, ml);
	else if (one)
		rc = load_objects(s, ml, one, argv[optind], NULL);
	else if (all)
		rc = load_objects(s, ml, NULL, NULL, argv[optind]);
	else if (argv[optind]) {
		fprintf(stderr, "mod: unexpected argument %s (a module to load "
			"goes after -s)\n", argv[optind]);
		return 1;
	} else {
		print_list(s, ml, false, 0);
		rc = 0;
	}
	print_walk_error(ml);
	return rc || ml->walk_error;
}
