/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Which entry of config.json made the mount that is visible at a place is
 * decided by what is there, not by how the destination is spelled: every
 * destination is resolved inside the container's rootfs, and of all entries
 * that resolve to the root of one mount the last one made it (the runtimes
 * mount in config.json's order).  Every other mount in the container's table
 * belongs to the nearest such mount above it: an rbind's own submounts, or
 * mounts nobody listed.
 */
#include "facts.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "facts_maps.h"
#include "mntns.h"
#include "mounttree.h"

/* fd: on the mount seen (its root), to read its maps if it is idmapped; or
 * fd_errno: why there is none. */
static void facts_of_mount(const struct mount_table *t, int fd, int fd_errno, struct mount_facts *f)
{
	const struct mount_entry *me = mountinfo_find(t, (int)f->mnt_id);

	if (!me)
		return;
	f->already_idmapped = me->idmapped;
	snprintf(f->fstype, sizeof(f->fstype), "%s", me->fstype);
	if (me->idmapped && fd >= 0)
		facts_read_maps(fd, -1, &f->maps_known, &f->src_uid_map, &f->src_gid_map,
				&f->maps_errno, f->maps_err);
	else if (me->idmapped) {
		f->maps_errno = fd_errno ? fd_errno : EBADF;
		snprintf(f->maps_err, sizeof(f->maps_err), "cannot open it to read its maps: %s",
			 strerror(f->maps_errno));
	}
}

/* Submount me of f, whose own mount point is base. */
static int add_sub(struct mount_facts *f, const struct mount_entry *me, const char *base)
{
	size_t n = f->n_subs;
	struct submount_facts *subs = f->subs;
	const char *rel = NULL;

	/* The capacity doubles at each power of two: linear for thousands. */
	if (n == 0 || (n >= 4 && (n & (n - 1)) == 0)) {
		subs = realloc(f->subs, (n ? 2 * n : 4) * sizeof(*subs));
		if (!subs)
			return -ENOMEM;
		f->subs = subs;
	}
	if (!base || mounttree_relative(base, me->target, &rel) < 0)
		rel = NULL;
	subs[f->n_subs] = (struct submount_facts){
	    .target = me->target, .rel = rel, .id = me->id, .idmapped = me->idmapped};
	snprintf(subs[f->n_subs].fstype, FSTYPE_MAX, "%s", me->fstype);
	f->n_subs++;
	return 0;
}

/* Is path below dir (dir itself excluded)? */
static bool is_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return strcmp(path, "/") != 0;
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* Without a container: the source as the host shows it, at the walk's end. */
static int facts_on_host(const struct spec_mount *m, const struct mount_table *t,
			 struct mount_facts *f)
{
	const struct mount_entry *me;
	_cleanup_free_ char *real = NULL;
	_cleanup_close_ int fd = -EBADF;
	int fd_errno = 0;
	struct stat st;

	if (f->walk.err) {
		f->stat_errno = f->walk.err;
		return 0;
	}
	f->mnt_id = f->walk.end.mnt_id;
	f->dev = f->walk.end.dev;
	f->ino = f->walk.end.ino;
	f->uid = f->walk.end.uid;
	f->gid = f->walk.end.gid;
	f->is_dir = f->walk.end.is_dir;
	/* The maps of an idmapped source: through the path the walk checked. */
	fd = open(m->source, O_PATH | O_CLOEXEC);
	if (fd < 0)
		fd_errno = errno;
	else if (fstat(fd, &st) < 0 || st.st_dev != f->dev || st.st_ino != f->ino) {
		close_fdp(&fd); /* not the walk's: its maps stay unknown */
		fd_errno = ESTALE;
	}
	facts_of_mount(t, fd, fd_errno, f);
	me = mountinfo_find(t, (int)f->mnt_id);
	if (!me || !m->is_recursive || !f->is_dir || !(real = realpath(m->source, NULL)))
		return 0;
	for (size_t i = 0; i < t->n; i++)
		if (is_under(t->entries[i].target, real) &&
		    mountinfo_is_below(t, t->entries[i].id, me->id) &&
		    add_sub(f, &t->entries[i], real) < 0)
			return -ENOMEM;
	facts_read_subs_maps(f);
	return 0;
}

/* Looking failed at a step (e says which): the plan says so for every mount. */
static void cannot_look(struct mount_facts *f, const struct err *e)
{
	f->seen_in_container = true;
	f->dest_errno = e->code ? e->code : EIO;
	if (snprintf(f->dest_err, sizeof(f->dest_err), "%s", e->msg) < 0)
		f->dest_err[0] = '\0';
}

static bool is_bind_with_source(const struct spec_mount *m)
{
	return m->is_bind && m->source;
}

/* The host side: walk every bind mount's source path from the host's root. */
static int walk_sources(const struct oci_spec *spec, struct mount_facts *facts, struct err *e)
{
	_cleanup_close_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_(pathres_cache_free) struct pathres_cache cache;

	pathres_cache_init(&cache, root);
	if (root < 0)
		return err_set(e, errno, "open /");
	for (size_t i = 0; i < spec->n_mounts; i++) {
		if (is_bind_with_source(&spec->mounts[i]))
			pathres_walk_cached(&cache, spec->mounts[i].source, &facts[i].walk);
		else if (spec->mounts[i].is_bind)
			facts[i].walk.err = facts[i].stat_errno = ENOENT;
	}
	return 0;
}

/* The host's table is kept in the view: the facts borrow its paths. */
static int host_only(const struct oci_spec *spec, struct mount_facts *facts, struct facts_view *v,
		     struct err *e)
{
	struct err te = {0};
	int r = 0;

	/* Without the table, fstype and submounts stay unknown: the hook finds out. */
	if (mountinfo_read("/proc/self/mountinfo", &v->table, &te) < 0 && te.code == ENOMEM)
		return err_set(e, ENOMEM, "mount table");
	for (size_t i = 0; i < spec->n_mounts && r >= 0; i++)
		if (is_bind_with_source(&spec->mounts[i]))
			r = facts_on_host(&spec->mounts[i], &v->table, &facts[i]);
	return r < 0 ? err_set(e, -r, "facts") : 0;
}

static bool facts_needed(const struct oci_spec *spec)
{
	if (spec->disabled)
		return false;
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (is_bind_with_source(&spec->mounts[i]))
			return true;
	return false;
}

/* A mount root seen at a destination: (mount id, spec index). */
struct maker {
	uint64_t mnt_id;
	size_t i;
};

static int compare_makers(const void *a, const void *b)
{
	const struct maker *x = a, *y = b;

	if (x->mnt_id != y->mnt_id)
		return x->mnt_id < y->mnt_id ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* The last entry whose destination is the root of mount id, or FACTS_NO_ENTRY. */
static size_t maker_of(const struct maker *mk, size_t n, uint64_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) { /* the first element > (id, any) */
		size_t mid = lo + (hi - lo) / 2;

		if (mk[mid].mnt_id <= id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && mk[lo - 1].mnt_id == id ? mk[lo - 1].i : FACTS_NO_ENTRY;
}

/* Resolve destination i in the rootfs and look at what is there. */
static void look_at(const struct oci_spec *spec, size_t i, struct mount_facts *f,
		    struct facts_view *v)
{
	_cleanup_close_ int fd = -EBADF; /* not kept: thousands of mounts, 1024 fds */
	struct path_info info;
	struct err e = {0};
	int r;

	f->seen_in_container = true;
	r = pathres_open_in_root(v->root_fd, spec->mounts[i].destination, &fd, &e);
	if (r >= 0)
		r = pathres_info(fd, &info, &e);
	if (r < 0) {
		cannot_look(f, &e);
		return;
	}
	f->at_mount_root = info.is_mount_root;
	f->mnt_id = info.mnt_id;
	f->dev = info.dev;
	f->ino = info.ino;
	f->uid = info.uid;
	f->gid = info.gid;
	f->is_dir = info.is_dir;
	facts_of_mount(&v->table, fd, 0, f);
}

/* Per table entry: the spec mount that made its nearest visible ancestor-or-self. */
static void assign_table(const struct maker *mk, size_t n_mk, struct facts_view *v)
{
	const struct mount_table *t = &v->table;

	for (size_t k = 0; k < t->n; k++) {
		const struct mount_entry *me = &t->entries[k];

		v->made_by[k] = FACTS_NO_ENTRY;
		for (size_t steps = 0; me && steps < t->n; steps++) {
			v->made_by[k] = maker_of(mk, n_mk, (uint64_t)me->id);
			if (v->made_by[k] != FACTS_NO_ENTRY || me->parent_id == me->id)
				break;
			me = mountinfo_find(t, me->parent_id);
		}
	}
}

int facts_assign(const struct oci_spec *spec, struct mount_facts *facts, struct facts_view *v)
{
	_cleanup_free_ struct maker *mk = calloc_array(spec->n_mounts, sizeof(*mk));
	size_t n_mk = 0;

	v->made_by = calloc_array(v->table.n, sizeof(*v->made_by));
	if (!mk || !v->made_by)
		return -ENOMEM;
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (facts[i].seen_in_container && !facts[i].dest_errno && facts[i].at_mount_root)
			mk[n_mk++] = (struct maker){facts[i].mnt_id, i};
	qsort(mk, n_mk, sizeof(*mk), compare_makers);
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (facts[i].seen_in_container && !facts[i].dest_errno)
			facts[i].made_by = maker_of(mk, n_mk, facts[i].mnt_id);
	assign_table(mk, n_mk, v);
	for (size_t k = 0; k < v->table.n; k++) {
		size_t i = v->made_by[k];
		const struct mount_entry *top;

		if (i == FACTS_NO_ENTRY || !spec->mounts[i].is_recursive ||
		    (uint64_t)v->table.entries[k].id == facts[i].mnt_id)
			continue;
		top = mountinfo_find(&v->table, (int)facts[i].mnt_id);
		if (add_sub(&facts[i], &v->table.entries[k], top ? top->target : NULL) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Inside the container's mount namespace: the rootfs, the table, every destination. */
static int look(const struct oci_spec *spec, struct mount_facts *facts, struct facts_view *v)
{
	struct err e = {0};
	size_t first = 0;
	int r = 0;

	v->root_fd = open(spec->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (v->root_fd < 0)
		r = err_set(&e, errno, "open rootfs %s", spec->root_path);
	else
		r = mountinfo_read("/proc/self/mountinfo", &v->table, &e);
	/* An entry can only be hidden by a later one: none before the first bind matters. */
	while (first < spec->n_mounts && !is_bind_with_source(&spec->mounts[first]))
		first++;
	for (size_t i = first; i < spec->n_mounts; i++) {
		if (r < 0)
			cannot_look(&facts[i], &e);
		else
			look_at(spec, i, &facts[i], v);
	}
	r = facts_assign(spec, facts, v);
	for (size_t i = 0; i < spec->n_mounts && r >= 0; i++)
		facts_read_subs_maps(&facts[i]);
	return r < 0 ? r : facts_suid_reach(spec, facts, v);
}

/* Enter pid's mount namespace, look, come back. */
static int in_container(const struct oci_spec *spec, const struct mntns *ns,
			struct mount_facts *facts, struct facts_view *v, struct err *e)
{
	struct err ne = {0};
	int nomem = 0, r;

	r = mntns_enter(ns, &ne);
	if (r >= 0) {
		nomem = look(spec, facts, v); /* fails only for memory */
		if (mntns_leave(ns, &ne) < 0) {
			/* Never carry on in the wrong namespace: nothing more is done. */
			v->stuck = true;
			r = -ne.code;
		}
	}
	/* Every mount stays as the runtime made it; the plan says why. */
	for (size_t i = 0; r < 0 && i < spec->n_mounts; i++)
		cannot_look(&facts[i], &ne);
	if (r >= 0 && nomem >= 0)
		nomem = facts_reach_from_host(spec, facts, v);
	return nomem < 0 ? err_set(e, ENOMEM, "facts") : 0;
}

int facts_collect(const struct oci_spec *spec, const struct mntns *ns, const struct err *ns_err,
		  struct mount_facts **ret_facts, struct facts_view *ret_view, struct err *e)
{
	struct facts_view v = {.root_fd = -EBADF};
	struct mount_facts *facts;
	int r = 0;

	facts = calloc_array(spec->n_mounts, sizeof(*facts));
	if (!facts)
		return err_set(e, ENOMEM, "facts");
	for (size_t i = 0; i < spec->n_mounts; i++)
		facts[i].made_by = FACTS_NO_ENTRY;
	if (facts_needed(spec)) {
		r = walk_sources(spec, facts, e);
		/* A pid in the hook's own mount namespace has no container mounts to show. */
		if (r >= 0 && ns && ns->target < 0) {
			for (size_t i = 0; i < spec->n_mounts; i++)
				cannot_look(&facts[i], ns_err);
		} else if (r >= 0) {
			r = !ns || ns->own ? host_only(spec, facts, &v, e)
					   : in_container(spec, ns, facts, &v, e);
		}
	}
	if (r < 0) {
		facts_free(facts, spec->n_mounts);
		facts_view_free(&v);
		return r;
	}
	*ret_facts = facts;
	*ret_view = v;
	return 0;
}

void facts_free(struct mount_facts *facts, size_t n)
{
	for (size_t i = 0; facts && i < n; i++) {
		for (size_t k = 0; k < facts[i].n_subs; k++) {
			idmap_free(&facts[i].subs[k].uid_map);
			idmap_free(&facts[i].subs[k].gid_map);
		}
		free(facts[i].subs);
		idmap_free(&facts[i].src_uid_map);
		idmap_free(&facts[i].src_gid_map);
	}
	free(facts);
}

void facts_view_free(struct facts_view *v)
{
	free(v->made_by);
	free(v->suid_reach);
	close_fdp(&v->root_fd);
	mountinfo_free(&v->table);
	*v = (struct facts_view){.root_fd = -EBADF};
}
