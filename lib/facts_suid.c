/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The mounts of the container a setuid file made in a volume could be run
 * through (facts only: plan_suid.c decides which count): every mount the
 * container reaches (at or below its rootfs, its mount point leading to it)
 * that is not nosuid and shows part of a bind volume's filesystem (the same
 * device) that overlaps the volume's (a root that is an ancestor of the
 * volume's, the same, or a descendant).
 */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "facts.h"
#include "mountroots.h"

/* The roots of what the bind volumes seen in the container show. */
static int volume_roots(const struct oci_spec *spec, const struct mount_facts *facts,
			const struct mount_table *t, struct mountroots *ret)
{
	struct mountroot *refs = calloc_array(spec->n_mounts, sizeof(*refs));
	size_t n = 0;

	if (!refs)
		return -ENOMEM;
	for (size_t i = 0; i < spec->n_mounts; i++) {
		const struct mount_entry *me;

		if (!spec->mounts[i].is_bind || !facts[i].seen_in_container ||
		    facts[i].dest_errno || facts[i].made_by != i)
			continue;
		me = mountinfo_find(t, (int)facts[i].mnt_id);
		if (me)
			refs[n++] = (struct mountroot){.dev = me->dev, .root = me->root, .k = i};
	}
	mountroots_take(ret, refs, n);
	return 0;
}

/* Where the rootfs is in this mount namespace (mountinfo's spelling). */
static bool rootfs_path(int root_fd, char buf[static PATH_MAX])
{
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", root_fd);
	n = readlink(link, buf, PATH_MAX - 1);
	if (n <= 0 || buf[0] != '/')
		return false;
	buf[n] = '\0';
	return true;
}

/* Does the container reach mount me: is it at or below the rootfs, and does
 * its mount point, resolved in the rootfs, lead to its root?  A volume's
 * own mount was seen so already.  With the rootfs unknown (NULL), any. */
static bool is_reachable(const struct mount_facts *facts, size_t made_by, int root_fd,
			 const char *rootfs, const struct mount_entry *me)
{
	_cleanup_close_ int fd = -EBADF;
	struct path_info info;
	struct err e = {0};
	const char *rel;
	size_t n;

	if (!rootfs || (made_by != FACTS_NO_ENTRY && facts[made_by].mnt_id == (uint64_t)me->id))
		return true;
	n = strlen(rootfs);
	if (strcmp(rootfs, "/") == 0)
		rel = me->target;
	else if (strncmp(me->target, rootfs, n) == 0 && (!me->target[n] || me->target[n] == '/'))
		rel = me->target[n] ? me->target + n : "/";
	else
		return false;
	if (pathres_open_in_root(root_fd, rel, &fd, &e) < 0 || pathres_info(fd, &info, &e) < 0)
		return false;
	return info.mnt_id == (uint64_t)me->id && info.is_mount_root;
}

int facts_suid_reach(const struct oci_spec *spec, const struct mount_facts *facts,
		     struct facts_view *v)
{
	_cleanup_(mountroots_free) struct mountroots vols = {0};
	const struct mount_table *t = &v->table;
	char buf[PATH_MAX];
	const char *rootfs;

	if (volume_roots(spec, facts, t, &vols) < 0)
		return -ENOMEM;
	v->suid_reach = calloc_array(t->n, sizeof(*v->suid_reach));
	if (!v->suid_reach)
		return -ENOMEM;
	if (vols.n == 0)
		return 0;
	rootfs = rootfs_path(v->root_fd, buf) ? buf : NULL;
	for (size_t k = 0; k < t->n; k++) {
		const struct mount_entry *me = &t->entries[k];

		v->suid_reach[k] =
		    !(me->flags & MOUNT_FLAG_NOSUID) &&
		    mountroots_overlap(&vols, me->dev, me->root) != MOUNTROOTS_NONE &&
		    is_reachable(facts, v->made_by[k], v->root_fd, rootfs, me);
	}
	return 0;
}
