/* SPDX-License-Identifier: Apache-2.0 */
#include "plan_fixture.h"

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
}

void plan_fixture_teardown(void)
{
	plan_free(&fx.plan);
	accounts_free(&fx.accounts);
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
