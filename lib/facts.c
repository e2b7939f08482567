/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What the plan needs to know of each bind mount's source, observed on the
 * host without changing anything.
 *
 * Can the kernel idmap the source?  The plan is decided before anything is
 * tried, from the host's mount table: the source's mount and, for rbind,
 * every mount below it (by parent chain, mounted under the source path).
 * One recursive mount_setattr(IDMAP) fails as a whole when any mount of the
 * tree cannot be idmapped, so one such submount decides for the rbind mount.
 *  - an already idmapped mount cannot be idmapped again (EPERM before 6.15);
 *  - a filesystem type the kernel never idmaps (no FS_ALLOW_IDMAP; a fixed
 *    list below) cannot be idmapped;
 *  - FUSE and virtiofs can be only where the server opts in (6.12+): those
 *    mounts are probed for real (probe_idmap: a detached clone, never
 *    attached), the only case that costs a user namespace here;
 *  - any other type is assumed to work.  Where the kernel refuses anyway,
 *    the hook falls back at run time and logs why.
 */
#include "facts.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "mountinfo.h"
#include "probe.h"
#include "syscalls.h"

/* Filesystems whose mounts Linux (up to 6.18 at least) never idmaps. */
static const char *const never_idmappable[] = {
    "proc",    "sysfs",	     "devtmpfs", "devpts", "mqueue",   "cgroup",   "cgroup2",	  "debugfs",
    "tracefs", "securityfs", "bpf",	 "pstore", "configfs", "efivarfs", "binfmt_misc", "fusectl",
    "autofs",  "nsfs",	     "overlay",	 "nfs",	   "nfs4",     "9p",	   "cifs",	  "smb3",
};

static bool is_never_idmappable(const char *fstype)
{
	for (size_t i = 0; i < ARRAY_SIZE(never_idmappable); i++)
		if (strcmp(fstype, never_idmappable[i]) == 0)
			return true;
	return false;
}

/* FUSE ("fuse", "fuseblk", "fuse.<subtype>") and virtiofs: up to the server. */
static bool is_fuse(const char *fstype)
{
	return strcmp(fstype, "fuse") == 0 || strcmp(fstype, "fuseblk") == 0 ||
	       strncmp(fstype, "fuse.", 5) == 0 || strcmp(fstype, "virtiofs") == 0;
}

static void __attribute__((format(printf, 2, 3)))
cannot_idmap(struct mount_facts *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->cannot_idmap, sizeof(f->cannot_idmap), fmt, ap);
	va_end(ap);
}

/* Ask the kernel: a detached idmapped clone of path, never attached. */
static void probe_source(const char *path, const char *what, struct mount_facts *f)
{
	char fstype[PROBE_FSTYPE_MAX];
	struct err e = {0};

	if (probe_idmap(path, fstype, &e) >= 0)
		return;
	err_add_hint(&e);
	cannot_idmap(f, "%s cannot be idmapped: %s", what, e.msg);
}

/* Can mount me, at path (the source or a submount's mount point), be
 * idmapped?  If not, say why in f->cannot_idmap ("what" names it). */
static bool check_idmappable(const struct mount_entry *me, const char *path, const char *what,
			     struct mount_facts *f)
{
	if (me->idmapped)
		cannot_idmap(f, "%s is already an idmapped mount", what);
	else if (is_never_idmappable(me->fstype))
		cannot_idmap(f, "%s is on a %s filesystem, which cannot be idmapped", what,
			     me->fstype);
	else if (is_fuse(me->fstype))
		probe_source(path, what, f);
	return f->cannot_idmap[0] == '\0';
}

/* Is path below dir (dir itself excluded)?  Both canonical. */
static bool is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return strcmp(path, "/") != 0;
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* rbind: every mount below the source's mount me, under the source path. */
static void check_submounts(const char *source, const struct mount_table *t,
			    const struct mount_entry *me, struct mount_facts *f)
{
	_cleanup_free_ char *real = realpath(source, NULL);
	char what[PLAN_REASON_MAX];

	if (!real)
		return;
	for (size_t i = 0; i < t->n; i++) {
		const struct mount_entry *sub = &t->entries[i];

		if (!is_under(sub->target, real) || !mountinfo_is_below(t, sub->id, me->id))
			continue;
		snprintf(what, sizeof(what), "submount %s", sub->target);
		if (!check_idmappable(sub, sub->target, what, f))
			return;
	}
}

static void facts_of_source(const struct spec_mount *m, const struct mount_table *t,
			    struct mount_facts *f)
{
	struct statx stx;
	const struct mount_entry *me;

	if (statx(AT_FDCWD, m->source, 0, STATX_BASIC_STATS | STATX_MNT_ID, &stx) < 0) {
		f->stat_errno = errno;
		return;
	}
	f->uid = stx.stx_uid;
	f->gid = stx.stx_gid;
	f->is_dir = S_ISDIR(stx.stx_mode);
	if (!(stx.stx_mask & STATX_MNT_ID))
		return;
	me = mountinfo_find(t, (int)stx.stx_mnt_id);
	if (!me)
		return;
	f->already_idmapped = me->idmapped;
	snprintf(f->fstype, sizeof(f->fstype), "%s", me->fstype);
	if (check_idmappable(me, m->source, "source", f) && m->is_recursive && f->is_dir)
		check_submounts(m->source, t, me, f);
}
static bool has_bind_mounts(const struct oci_spec *spec)
{
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (spec->mounts[i].is_bind && spec->mounts[i].source)
			return true;
	return false;
}

int facts_collect(const struct oci_spec *spec, const char *mountinfo,
		  struct mount_facts **ret_facts, struct err *e)
{
	_cleanup_free_ struct mount_facts *facts = NULL;
	struct mount_table t = {0};
	int r;

	facts = calloc(spec->n_mounts + 1, sizeof(*facts));
	if (!facts)
		return err_set(e, ENOMEM, "facts");
	if (!spec->disabled && has_bind_mounts(spec)) {
		r = mountinfo_read(mountinfo, &t, e);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct spec_mount *m = &spec->mounts[i];

		if (spec->disabled || !m->is_bind)
			continue;
		if (!m->source)
			facts[i].stat_errno = ENOENT;
		else
			facts_of_source(m, &t, &facts[i]);
	}
	mountinfo_free(&t);
	*ret_facts = TAKE_PTR(facts);
	return 0;
}
