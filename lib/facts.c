/* SPDX-License-Identifier: Apache-2.0 */
#include "facts.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "mountinfo.h"

#ifndef STATX_MNT_ID
#define STATX_MNT_ID 0x00001000U
#endif

static void facts_of_source(const char *source, const struct mount_table *t,
			    struct mount_facts *f)
{
	struct statx stx;
	const struct mount_entry *me;

	if (statx(AT_FDCWD, source, 0, STATX_BASIC_STATS | STATX_MNT_ID, &stx) < 0) {
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
	struct mount_table t = { 0 };
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
			facts_of_source(m->source, &t, &facts[i]);
	}
	mountinfo_free(&t);
	*ret_facts = TAKE_PTR(facts);
	return 0;
}
