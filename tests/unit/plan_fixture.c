/* SPDX-License-Identifier: Apache-2.0 */
#include "plan_fixture.h"

#include "mounttree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct plan_fixture fx;

void plan_fixture_setup(void)
{
	memset(&fx, 0, sizeof(fx));
	fx.spec.uid = 1000;
	fx.spec.gid = 1000;
	fx.spec.mounts = fx.mounts;
	fx.spec.root_path = "/b/rootfs";
	fx.host = HOSTINFO_INITIAL;
	fx.accounts = (struct accounts){.root = ACCOUNTS_FIXTURES "host"};
	fx.view.root_fd = -EBADF;
}

void plan_fixture_teardown(void)
{
	plan_free(&fx.plan);
	accounts_free(&fx.accounts);
	/* Submounts facts_assign found (add_idmapped_sub's are static). */
	for (size_t i = 0; fx.view.made_by && i < fx.spec.n_mounts; i++)
		free(fx.facts[i].subs);
	free(fx.view.made_by);
	free(fx.view.suid_reach);
	mountinfo_free(&fx.view.table);
	mountinfo_free(&fx.host_table);
	if (fx.parsed)
		spec_free(&fx.spec);
	free(fx.text);
	free(fx.host_text);
	free(fx.config);
}

struct spec_mount *add_bind(const char *dest, uint32_t uid, uint32_t gid)
{
	size_t i = fx.spec.n_mounts++;

	fx.mounts[i] = (struct spec_mount){
	    .destination = (char *)dest, .source = "/src", .type = "bind", .is_bind = true};
	/* The walk on the host and the container's mount see the same owner. */
	fx.facts[i] = (struct mount_facts){.walk.end = {.uid = uid, .gid = gid, .is_dir = true},
					   .uid = uid,
					   .gid = gid,
					   .is_dir = true,
					   .made_by = FACTS_NO_ENTRY};
	return &fx.mounts[i];
}

void add_idmapped(const char *dest, uint32_t owner_uid, uint32_t owner_gid)
{
	struct mount_facts *f;

	add_bind(dest, 2000, 2000);
	f = &fx.facts[fx.spec.n_mounts - 1];
	f->already_idmapped = true;
	f->maps_known = true;
	idmap_swap(owner_uid, 2000, &f->src_uid_map);
	idmap_swap(owner_gid, 2000, &f->src_gid_map);
}

struct submount_facts *add_idmapped_sub(size_t i, const char *rel, uint32_t uid, uint32_t gid,
					uint32_t seen_uid, uint32_t seen_gid)
{
	static struct submount_facts subs[MAX_MOUNTS][2];
	struct mount_facts *f = &fx.facts[i];
	struct submount_facts *sub = &subs[i][f->n_subs];

	*sub = (struct submount_facts){.target = "/b/rootfs/x",
				       .rel = rel,
				       .idmapped = true,
				       .maps_known = true,
				       .fstype = "ext4"};
	idmap_swap(uid, seen_uid, &sub->uid_map);
	idmap_swap(gid, seen_gid, &sub->gid_map);
	f->subs = subs[i];
	f->n_subs++;
	fx.mounts[i].is_recursive = true;
	return sub;
}

const struct plan_mount *build(const struct idmap *uid_ns, const struct idmap *gid_ns)
{
	struct err e = {0};

	ck_assert_int_eq(plan_build(&fx.spec, uid_ns, gid_ns, &fx.host, &fx.accounts, fx.facts,
				    NULL, &fx.plan, &e),
			 0);
	ck_assert_uint_eq(fx.plan.n_mounts, fx.spec.n_mounts);
	return fx.plan.mounts;
}

void assert_skip(const struct plan_mount *pm, const char *reason)
{
	ck_assert_int_eq(pm->action, PLAN_SKIP);
	ck_assert_msg(strstr(pm->reason, reason), "reason '%s' lacks '%s'", pm->reason, reason);
}

void assert_idmap(const struct plan_mount *pm, uint32_t uid_to, uint32_t gid_to)
{
	const struct plan_mapping *m;
	uint32_t out;

	ck_assert_msg(pm->action == PLAN_IDMAP, "%s skipped: %s", pm->mount->destination,
		      pm->reason);
	m = &fx.plan.mappings[pm->mapping];
	ck_assert(idmap_apply(&m->uid_map, pm->owner_uid, &out));
	ck_assert_uint_eq(out, uid_to);
	ck_assert(idmap_apply(&m->gid_map, pm->owner_gid, &out));
	ck_assert_uint_eq(out, gid_to);
}

void assert_sends(size_t k, uint32_t uid, uint32_t uid_to, uint32_t gid, uint32_t gid_to)
{
	uint32_t out;

	ck_assert(idmap_apply(&fx.plan.mappings[k].uid_map, uid, &out));
	ck_assert_uint_eq(out, uid_to);
	ck_assert(idmap_apply(&fx.plan.mappings[k].gid_map, gid, &out));
	ck_assert_uint_eq(out, gid_to);
}

void assert_owner_only(const struct plan_mount *pm, uint32_t uid, uint32_t uid_to, uint32_t gid,
		       uint32_t gid_to)
{
	ck_assert_msg(pm->action == PLAN_IDMAP, "%s skipped: %s", pm->mount->destination,
		      pm->reason);
	assert_sends(pm->mapping, uid, uid_to, gid, gid_to);
}

void assert_unmapped(const struct plan_mount *pm, uint32_t uid, uint32_t gid)
{
	const struct plan_mapping *m = &fx.plan.mappings[pm->mapping];
	uint32_t out;

	ck_assert_msg(!idmap_apply(&m->uid_map, uid, &out), "uid %u seen as %u", uid, out);
	ck_assert_msg(!idmap_apply(&m->gid_map, gid, &out), "gid %u seen as %u", gid, out);
}

/* --- trees ---------------------------------------------------------------- */

void load_table(const char *name)
{
	struct err e = {0};

	fx.text = fixture_read(name);
	ck_assert_msg(mountinfo_parse(fx.text, &fx.view.table, &e) == 0, "%s: %s", name, e.msg);
}

void load_host_table(const char *name)
{
	struct err e = {0};

	fx.host_text = fixture_read(name);
	ck_assert_msg(mountinfo_parse(fx.host_text, &fx.host_table, &e) == 0, "%s: %s", name,
		      e.msg);
}

/* Seen in the container at mount id (of fstype), the root of that mount. */
static void seen_at(size_t i, int id, const char *fstype, uint32_t uid, uint32_t gid)
{
	/* The walk on the host and the container's mount see the same owner. */
	fx.facts[i] = (struct mount_facts){.walk.end = {.uid = uid, .gid = gid, .is_dir = true},
					   .seen_in_container = true,
					   .at_mount_root = true,
					   .mnt_id = (uint64_t)id,
					   .uid = uid,
					   .gid = gid,
					   .is_dir = true,
					   .made_by = FACTS_NO_ENTRY};
	snprintf(fx.facts[i].fstype, FSTYPE_MAX, "%s", fstype);
}

struct spec_mount *add_in_view(const char *dest, const char *type, int id, uint32_t uid,
			       uint32_t gid)
{
	size_t i = fx.spec.n_mounts++;
	bool bind = strcmp(type, "bind") == 0;

	fx.mounts[i] = (struct spec_mount){.destination = (char *)dest,
					   .source = bind ? "/srv/x" : (char *)type,
					   .type = (char *)type,
					   .is_bind = bind};
	seen_at(i, id, "ext4", uid, gid);
	return &fx.mounts[i];
}

void load_config(const char *name, uint32_t uid, uint32_t gid)
{
	struct err e = {0};
	struct mount_tree mt;
	char target[256];

	fx.config = fixture_read(name);
	ck_assert_msg(spec_parse(fx.config, "/b", &fx.spec, &e) == 0, "%s: %s", name, e.msg);
	fx.parsed = true;
	ck_assert_msg(spec_map_options(&fx.spec, &e) == 0, "%s: %s", name, e.msg);
	ck_assert_uint_le(fx.spec.n_mounts, MAX_MOUNTS);
	ck_assert_int_eq(mounttree_build(&fx.view.table, &mt), 0);
	for (size_t i = 0; i < fx.spec.n_mounts; i++) {
		const struct mount_entry *me;

		snprintf(target, sizeof(target), "%s%s", fx.spec.root_path,
			 fx.spec.mounts[i].destination);
		me = mounttree_find_target(&mt, target);
		ck_assert_msg(me, "%s: nothing mounted at %s", name, target);
		seen_at(i, me->id, me->fstype, uid, gid);
	}
	mounttree_free(&mt);
}

size_t entry_of(const char *dest)
{
	for (size_t i = fx.spec.n_mounts; i-- > 0;)
		if (strcmp(fx.spec.mounts[i].destination, dest) == 0)
			return i;
	ck_abort_msg("no entry %s", dest);
	return 0;
}

void build_tree(void)
{
	struct err e = {0};

	/* Options that contradict nothing name what they set (spec_mounts.c). */
	for (size_t i = 0; !fx.parsed && i < fx.spec.n_mounts; i++)
		fx.spec.mounts[i].named |= fx.spec.mounts[i].flags | fx.spec.mounts[i].flags_tree;
	ck_assert_int_eq(facts_assign(&fx.spec, fx.facts, &fx.view), 0);
	if (fx.host_text)
		facts_reach(&fx.spec, fx.facts, &fx.view, &fx.host_table, &e);
	ck_assert_int_eq(plan_build(&fx.spec, NULL, NULL, &fx.host, &fx.accounts, fx.facts,
				    &fx.view, &fx.plan, &e),
			 0);
}

void rebuild_tree(void)
{
	plan_free(&fx.plan);
	for (size_t i = 0; i < fx.spec.n_mounts; i++) {
		free(fx.facts[i].subs);
		fx.facts[i].subs = NULL;
		fx.facts[i].n_subs = 0;
	}
	free(fx.view.made_by);
	fx.view.made_by = NULL;
	build_tree();
}

const struct plan_tree *tree_of(size_t i)
{
	const struct plan_mount *pm = &fx.plan.mounts[i];

	ck_assert_msg(pm->action == PLAN_IDMAP, "%s skipped: %s", pm->mount->destination,
		      pm->reason);
	ck_assert_uint_lt(pm->tree, fx.plan.n_trees);
	return &fx.plan.trees[pm->tree];
}

void expect_node(const struct plan_tree *t, size_t j, const char *path, enum plan_role role,
		 unsigned int add)
{
	ck_assert_uint_lt(j, t->n);
	ck_assert_str_eq(t->nodes[j].path, path);
	ck_assert_msg(t->nodes[j].role == role, "%s: role %d, not %d", path, t->nodes[j].role,
		      role);
	ck_assert_msg(t->nodes[j].add == add, "%s: adds %#x, not %#x", path, t->nodes[j].add, add);
}

unsigned int final_flags(const struct plan_node *n)
{
	return n->flags | n->add;
}
