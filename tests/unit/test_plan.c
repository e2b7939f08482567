/* SPDX-License-Identifier: Apache-2.0 */
/* The skip policy and the mappings the plan chooses, from hand-made inputs. */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "plan.h"
#include "tests.h"

#define MAX_MOUNTS 8

struct fixture {
	struct oci_spec spec;
	struct hostinfo host;
	struct spec_mount mounts[MAX_MOUNTS];
	struct mount_facts facts[MAX_MOUNTS];
	struct plan plan;
};

static struct fixture fx;

static void setup(void)
{
	memset(&fx, 0, sizeof(fx));
	fx.spec.uid = 1000;
	fx.spec.gid = 1000;
	fx.spec.mounts = fx.mounts;
	fx.spec.root_path = "/b/rootfs";
	fx.host = HOSTINFO_INITIAL;
}

static void teardown(void)
{
	plan_free(&fx.plan);
}

/* Add a bind mount whose source is owned uid:gid. */
static struct spec_mount *add_bind(const char *dest, uint32_t uid, uint32_t gid)
{
	size_t i = fx.spec.n_mounts++;

	fx.mounts[i] = (struct spec_mount){
	    .destination = (char *)dest, .source = "/src", .type = "bind", .is_bind = true};
	fx.facts[i] =
	    (struct mount_facts){.uid = uid, .gid = gid, .is_dir = true, .made_by = FACTS_NO_ENTRY};
	return &fx.mounts[i];
}

static const struct plan_mount *build(const struct id_map *uid_ns, const struct id_map *gid_ns)
{
	struct err e = {0};

	ck_assert_int_eq(plan_build(&fx.spec, uid_ns, gid_ns, &fx.host, fx.facts, &fx.plan, &e), 0);
	ck_assert_uint_eq(fx.plan.n_mounts, fx.spec.n_mounts);
	return fx.plan.mounts;
}

static void assert_skip(const struct plan_mount *pm, const char *reason)
{
	ck_assert_int_eq(pm->action, PLAN_SKIP);
	ck_assert_msg(strstr(pm->reason, reason), "reason '%s' lacks '%s'", pm->reason, reason);
}

/* The mount idmaps and its maps send on-disk owner -> the container user's host ids. */
static void assert_idmap(const struct plan_mount *pm, uint32_t uid_to, uint32_t gid_to)
{
	const struct plan_mapping *m;
	uint32_t out;

	ck_assert_int_eq(pm->action, PLAN_IDMAP);
	m = &fx.plan.mappings[pm->mapping];
	ck_assert(idmap_apply(&m->uid_map, pm->owner_uid, &out));
	ck_assert_uint_eq(out, uid_to);
	ck_assert(idmap_apply(&m->gid_map, pm->owner_gid, &out));
	ck_assert_uint_eq(out, gid_to);
}

START_TEST(test_mismatch_is_idmapped)
{
	const struct plan_mount *pm;

	add_bind("/data", 501, 20);
	pm = build(NULL, NULL);
	assert_idmap(&pm[0], 1000, 1000);
	ck_assert(pm[0].has_owner);
	ck_assert_uint_eq(fx.plan.n_mappings, 1);
}
END_TEST

START_TEST(test_gid_only_mismatch_is_idmapped)
{
	const struct plan_mount *pm;

	add_bind("/data", 1000, 20);
	pm = build(NULL, NULL);
	assert_idmap(&pm[0], 1000, 1000);
	ck_assert(idmap_is_identity(&fx.plan.mappings[0].uid_map));
	ck_assert(!idmap_is_identity(&fx.plan.mappings[0].gid_map));
}
END_TEST

START_TEST(test_skips)
{
	const struct plan_mount *pm;

	add_bind("/match", 1000, 1000);
	add_bind("/root", 0, 0);
	add_bind("/mapped", 501, 20)->has_idmap = true;
	add_bind("/proc", 0, 0)->is_bind = false;
	add_bind("/gone", 501, 20);
	fx.facts[4].stat_errno = ENOENT;
	add_bind("/idmapped", 501, 20);
	fx.facts[5].already_idmapped = true;
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "already matches the container user");
	assert_skip(&pm[1], "owned by root");
	assert_skip(&pm[2], "already gives this mount an id mapping");
	assert_skip(&pm[3], "not a bind mount");
	assert_skip(&pm[4], "cannot stat source: No such file or directory");
	assert_skip(&pm[5], "already an idmapped mount");
	ck_assert_uint_eq(plan_count(&fx.plan, PLAN_IDMAP), 0);
	ck_assert_uint_eq(fx.plan.n_mappings, 0);
}
END_TEST

START_TEST(test_annotations)
{
	const struct plan_mount *pm;

	add_bind("/a", 501, 20);
	add_bind("/b", 501, 20);
	fx.spec.skip = "/b";
	pm = build(NULL, NULL);
	assert_idmap(&pm[0], 1000, 1000);
	assert_skip(&pm[1], "io.oci-idmap-hook.skip");
	plan_free(&fx.plan);
	fx.spec.disabled = true;
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "io.oci-idmap-hook.disable");
	assert_skip(&pm[1], "io.oci-idmap-hook.disable");
}
END_TEST

START_TEST(test_root_container_is_left_alone)
{
	const struct plan_mount *pm;

	fx.spec.uid = 0;
	fx.spec.gid = 0;
	add_bind("/data", 501, 20);
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "root on the host");
}
END_TEST

START_TEST(test_group_root_is_not_mapped)
{
	const struct plan_mount *pm;

	add_bind("/data", 501, 0);
	pm = build(NULL, NULL);
	assert_idmap(&pm[0], 1000, 0);
	ck_assert(idmap_is_identity(&fx.plan.mappings[0].gid_map));
	ck_assert_str_eq(pm[0].reason, "group 0 (root) left unmapped");
}
END_TEST

START_TEST(test_mappings_are_shared)
{
	add_bind("/a", 501, 20);
	add_bind("/b", 501, 20);
	add_bind("/c", 502, 20);
	add_bind("/d", 501, 20);
	build(NULL, NULL);
	ck_assert_uint_eq(fx.plan.n_mappings, 2);
	ck_assert_uint_eq(fx.plan.mounts[0].mapping, fx.plan.mounts[1].mapping);
	ck_assert_uint_eq(fx.plan.mounts[0].mapping, fx.plan.mounts[3].mapping);
	ck_assert_uint_ne(fx.plan.mounts[0].mapping, fx.plan.mounts[2].mapping);
}
END_TEST

START_TEST(test_userns_translates_the_user)
{
	struct id_extent u[] = {{0, 100000, 65536}};
	struct id_extent g[] = {{0, 200000, 65536}};
	struct id_map uid_ns = {u, 1}, gid_ns = {g, 1};
	const struct plan_mount *pm;

	add_bind("/data", 501, 20);
	pm = build(&uid_ns, &gid_ns);
	ck_assert(fx.plan.has_userns);
	ck_assert_uint_eq(fx.plan.host_uid, 101000);
	ck_assert_uint_eq(fx.plan.host_gid, 201000);
	assert_idmap(&pm[0], 101000, 201000);
}
END_TEST

START_TEST(test_userns_root_is_idmapped)
{
	struct id_extent u[] = {{0, 100000, 65536}};
	struct id_map ns = {u, 1};
	const struct plan_mount *pm;

	fx.spec.uid = 0;
	fx.spec.gid = 0;
	add_bind("/data", 501, 20);
	pm = build(&ns, &ns);
	assert_idmap(&pm[0], 100000, 100000);
}
END_TEST

START_TEST(test_userns_without_the_user)
{
	struct id_extent u[] = {{0, 100000, 1000}};
	struct id_map ns = {u, 1};
	const struct plan_mount *pm;

	add_bind("/data", 501, 20);
	pm = build(&ns, &ns);
	ck_assert(!fx.plan.has_host_ids);
	assert_skip(&pm[0], "has no host id");
}
END_TEST

/* The runtimes mount in config.json's order: a later mount at or above a
 * destination hides it. */
START_TEST(test_hidden_by_a_later_mount)
{
	const struct plan_mount *pm;

	add_bind("/data/cache", 501, 20);
	add_bind("/datax", 501, 20);
	add_bind("/data/", 501, 20);
	add_bind("/data/sub", 501, 20);
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "hidden by /data/, which config.json mounts later on top of it");
	assert_idmap(&pm[1], 1000, 1000);
	assert_idmap(&pm[2], 1000, 1000);
	assert_idmap(&pm[3], 1000, 1000);
}
END_TEST

START_TEST(test_source_that_cannot_be_idmapped)
{
	const struct plan_mount *pm;

	struct submount_facts sub = {.target = "/b/rootfs/proc-sub/p", .fstype = "proc"};

	add_bind("/proc-sub", 501, 20)->is_recursive = true;
	fx.facts[0].subs = &sub;
	fx.facts[0].n_subs = 1;
	add_bind("/mine", 1000, 1000);
	strcpy(fx.facts[1].fstype, "proc");
	add_bind("/pp", 501, 20);
	strcpy(fx.facts[2].fstype, "proc");
	add_bind("/fz", 501, 20);
	strcpy(fx.facts[3].fstype, "fuse.bindfs");
	pm = build(NULL, NULL);
	/* Named where the container sees it. */
	assert_skip(
	    &pm[0],
	    "submount /proc-sub/p is on a filesystem of type proc, which cannot be idmapped");
	ck_assert(pm[0].has_owner);
	assert_skip(&pm[1], "already matches the container user");
	assert_skip(&pm[2], "source is on a filesystem of type proc, which cannot be idmapped");
	/* FUSE: up to the server; plan tries nothing and says so. */
	ck_assert_int_eq(pm[3].action, PLAN_IDMAP);
	ck_assert_str_eq(pm[3].reason,
			 "FUSE can be idmapped only where its server allows it: tried at start");
}
END_TEST

/* In the container: which entry made the mount at each place is what was
 * seen there, whatever the spelling. */
START_TEST(test_seen_in_container)
{
	const struct plan_mount *pm;

	for (int i = 0; i < 5; i++) {
		add_bind(i == 1 ? "//data" : "/data", 501, 20);
		fx.facts[i].seen_in_container = true;
		fx.facts[i].at_mount_root = true;
	}
	fx.facts[0].made_by = 1; /* /data, then //data on top: the same mount */
	fx.facts[1].made_by = 1;
	fx.facts[2].at_mount_root = false; /* not a mount, covered by entry 3 */
	fx.facts[2].made_by = 3;
	fx.facts[3].made_by = 3;
	fx.facts[4].at_mount_root = false; /* not a mount, inside entry 3's */
	fx.facts[4].made_by = 3;
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "hidden by //data, which config.json mounts later on top of it");
	assert_idmap(&pm[1], 1000, 1000);
	assert_skip(&pm[2], "hidden by /data, which config.json mounts later on top of it");
	assert_idmap(&pm[3], 1000, 1000);
	assert_skip(&pm[4], "no mount at the destination");
}
END_TEST

/* The source path: root or the volume's owner only, nothing others can
 * change, and it must lead to the mount that is there. */
START_TEST(test_source_path_rules)
{
	const struct plan_mount *pm;

	add_bind("/a", 501, 20);
	fx.facts[0].walk.n_owners = 2;
	fx.facts[0].walk.owners[0] = 501;
	fx.facts[0].walk.owners[1] = 502;
	strcpy(fx.facts[0].walk.owner_at[1], "/home/other/link");
	add_bind("/b", 501, 20);
	strcpy(fx.facts[1].walk.open_dir, "/srv/shared");
	add_bind("/c", 501, 20);
	fx.facts[2].seen_in_container = true;
	fx.facts[2].at_mount_root = true;
	fx.facts[2].made_by = 2;
	fx.facts[2].ino = 7; /* the walk reached inode 0 */
	add_bind("/d", 501, 20);
	fx.facts[3].walk.err = ENOENT;
	strcpy(fx.facts[3].walk.at, "/srv/gone");
	add_bind("/e", 501, 20);
	fx.facts[4].walk.n_owners = 1;
	fx.facts[4].walk.owners[0] = 501;
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "/home/other/link, on the source path, belongs to uid 502, neither "
			    "root nor the volume's owner");
	assert_skip(&pm[1], "/srv/shared, on the source path, lets others replace its entries");
	assert_skip(&pm[2], "the mount at the destination is not the runtime's mount of /src");
	assert_skip(&pm[3], "cannot stat source: /srv/gone: No such file or directory");
	assert_idmap(&pm[4], 1000, 1000);
}
END_TEST

/* Under a user namespace, the container's root is the host id container 0
 * maps to: its files are never the container user's, uid and gid each. */
START_TEST(test_container_root_is_never_handed_out)
{
	struct id_extent u[] = {{0, 100000, 65536}};
	struct id_extent g[] = {{0, 200000, 65536}};
	struct id_map uid_ns = {u, 1}, gid_ns = {g, 1};
	const struct plan_mount *pm;

	add_bind("/etc/hosts", 100000, 200000);
	add_bind("/uid-root", 100000, 20);
	add_bind("/gid-root", 501, 200000);
	add_bind("/host-root", 0, 0);
	pm = build(&uid_ns, &gid_ns);
	assert_skip(&pm[0], "source is owned by the container's root (host uid 100000); "
			    "never handed to a container user");
	/* The other id of the pair is decided on its own. */
	assert_idmap(&pm[1], 100000, 201000);
	ck_assert(idmap_is_identity(&fx.plan.mappings[pm[1].mapping].uid_map));
	ck_assert_str_eq(pm[1].reason,
			 "owner the container's root (host uid 100000) left unmapped");
	assert_idmap(&pm[2], 101000, 200000);
	ck_assert(idmap_is_identity(&fx.plan.mappings[pm[2].mapping].gid_map));
	ck_assert_str_eq(pm[2].reason,
			 "group the container's root (host gid 200000) left unmapped");
	assert_skip(&pm[3], "source is owned by root; never handed to a container user");
}
END_TEST

/* Without a user namespace the container's root is host 0; group 0 on its
 * own leaves the uid to be swapped, and uid 0 on its own the gid. */
START_TEST(test_host_root_uid_and_gid_each)
{
	const struct plan_mount *pm;

	add_bind("/root-staff", 0, 20);
	add_bind("/root-mine", 0, 1000);
	pm = build(NULL, NULL);
	assert_idmap(&pm[0], 0, 1000);
	ck_assert(idmap_is_identity(&fx.plan.mappings[pm[0].mapping].uid_map));
	ck_assert_str_eq(pm[0].reason, "owner root left unmapped");
	assert_skip(&pm[1], "source is owned by root; never handed to a container user");
}
END_TEST

/* A user namespace without container 0 has no container root; host 0 is
 * still root. */
START_TEST(test_userns_without_root)
{
	struct id_extent u[] = {{1000, 101000, 1}};
	struct id_map ns = {u, 1};
	const struct plan_mount *pm;

	add_bind("/data", 501, 20);
	add_bind("/root", 0, 0);
	pm = build(&ns, &ns);
	assert_idmap(&pm[0], 101000, 101000);
	assert_skip(&pm[1], "owned by root");
}
END_TEST

/* The overflow id is what an id not mapped where the hook runs reads as
 * (rootless), or nobody: never swapped, whatever the kernel's value. */
START_TEST(test_overflow_id_is_never_handed_out)
{
	const struct plan_mount *pm;

	fx.host.overflow_uid = 4000;
	fx.host.overflow_gid = 4001;
	add_bind("/unmapped", 4000, 4001);
	add_bind("/unmapped-uid", 4000, 20);
	add_bind("/unmapped-gid", 501, 4001);
	add_bind("/nobody", 65534, 65534);
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "source is owned by the overflow uid 4000 (an id not mapped where "
			    "the hook runs); never handed to a container user");
	assert_idmap(&pm[1], 4000, 1000);
	ck_assert(idmap_is_identity(&fx.plan.mappings[pm[1].mapping].uid_map));
	assert_idmap(&pm[2], 1000, 4001);
	ck_assert_str_eq(pm[2].reason,
			 "group the overflow gid 4001 (an id not mapped where the hook runs) "
			 "left unmapped");
	assert_idmap(&pm[3], 1000, 1000);
	plan_free(&fx.plan);
	fx.host = HOSTINFO_INITIAL;
	pm = build(NULL, NULL);
	assert_skip(&pm[3], "overflow uid 65534");
}
END_TEST

/* Outside the initial user namespace the kernel refuses every filesystem
 * of the host: each bind mount says so, and no mapping (no user
 * namespace) is planned. */
START_TEST(test_rootless_says_why)
{
	const struct plan_mount *pm;

	fx.host.in_initial_userns = false;
	strcpy(fx.host.uid_map, "0 1000 1");
	add_bind("/data", 501, 20);
	add_bind("/nobody", 65534, 65534);
	add_bind("/proc", 0, 0)->is_bind = false;
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "rootless: the hook runs in a user namespace (uid_map 0 1000 1), "
			    "where the kernel refuses to idmap a filesystem of the host");
	assert_skip(&pm[1], "rootless:");
	assert_skip(&pm[2], "not a bind mount");
	ck_assert_uint_eq(fx.plan.n_mappings, 0);
}
END_TEST

/* Where does mapping k of the plan send uid and gid (asserted covered)? */
static void assert_sends(size_t k, uint32_t uid, uint32_t uid_to, uint32_t gid, uint32_t gid_to)
{
	uint32_t out;

	ck_assert(idmap_apply(&fx.plan.mappings[k].uid_map, uid, &out));
	ck_assert_uint_eq(out, uid_to);
	ck_assert(idmap_apply(&fx.plan.mappings[k].gid_map, gid, &out));
	ck_assert_uint_eq(out, gid_to);
}

/* An idmapped source: disk 501:20 seen through it as 2000:2000 (swaps). */
static void add_idmapped(const char *dest)
{
	struct mount_facts *f;

	add_bind(dest, 2000, 2000);
	f = &fx.facts[fx.spec.n_mounts - 1];
	f->already_idmapped = true;
	f->maps_known = true;
	idmap_swap(501, 2000, &f->src_uid_map);
	idmap_swap(20, 2000, &f->src_gid_map);
}

/* Its maps known, the swap for the owner seen through it is composed with
 * them: the container user gets the disk's owner, its writes land there as
 * the disk's owner, and what showed as the container user now shows as the
 * seen owner.  Maps unknown, submounts, or no composition: a fallback. */
START_TEST(test_idmapped_source_is_composed)
{
	const struct plan_mount *pm;
	static const struct id_extent small[] = {{0, 0, 100}};

	add_idmapped("/composed");
	add_idmapped("/gid-only");
	fx.facts[1].uid = 1000;
	add_idmapped("/unknown");
	fx.facts[2].maps_known = false;
	fx.facts[2].maps_errno = EOPNOTSUPP;
	strcpy(fx.facts[2].maps_err, "statmount cannot report an idmapped mount's maps");
	add_idmapped("/rbind");
	fx.facts[3].n_subs = 1;
	fx.facts[3].subs =
	    &(struct submount_facts){.target = "/b/rootfs/rbind/s", .fstype = "ext4"};
	add_idmapped("/outside"); /* the seen owner is not in the source's map */
	fx.facts[4].src_uid_map = (struct idmap){.n = 1, .small = {small[0]}};
	pm = build(NULL, NULL);

	ck_assert_int_eq(pm[0].action, PLAN_IDMAP);
	ck_assert(pm[0].composed);
	ck_assert_str_eq(pm[0].reason, "maps composed with the source's own idmap");
	assert_sends(pm[0].mapping, 501, 1000, 20, 1000);
	assert_sends(pm[0].mapping, 1000, 2000, 1000, 2000);
	assert_sends(pm[0].mapping, 2000, 501, 2000, 20);
	assert_sends(pm[0].mapping, 0, 0, 0, 0);
	assert_sends(pm[0].mapping, 4294967294u, 4294967294u, 4294967294u, 4294967294u);

	/* The uid already matches: the source's uid map stays as it is. */
	ck_assert_int_eq(pm[1].action, PLAN_IDMAP);
	ck_assert(idmap_equal(&fx.plan.mappings[pm[1].mapping].uid_map, &fx.facts[1].src_uid_map));
	assert_sends(pm[1].mapping, 501, 2000, 20, 1000);

	assert_skip(&pm[2], "already an idmapped mount, whose maps this kernel cannot report "
			    "(composing needs Linux 6.15): statmount cannot report");
	ck_assert_int_eq(pm[2].failed, -EOPNOTSUPP); /* fatal with --strict */
	/* An rbind of it: the top composed, its plain submount gets the swap of
	 * the owner seen through the source (2000<->1000), not composed. */
	ck_assert_int_eq(pm[3].action, PLAN_IDMAP);
	ck_assert(pm[3].composed);
	ck_assert_uint_eq(pm[3].mapping, pm[0].mapping);
	ck_assert_uint_ne(pm[3].sub_mapping, pm[3].mapping);
	assert_sends(pm[3].sub_mapping, 2000, 1000, 2000, 1000);
	assert_sends(pm[3].sub_mapping, 1000, 2000, 1000, 2000);
	assert_sends(pm[3].sub_mapping, 501, 501, 20, 20);
	ck_assert_uint_eq(pm[3].n_subs, 0);
	assert_skip(&pm[4], "idmapped mount whose maps cannot be composed");
	for (int i = 2; i < 5; i++)
		ck_assert_msg(i == 3 || pm[i].fallback, "mount %d is a fallback", i);
	ck_assert_uint_eq(fx.plan.n_mappings, 3);
}
END_TEST

/* Submount k of mount i: an idmapped view (disk 777:777 seen as 501:20). */
static struct submount_facts *add_idmapped_sub(size_t i, const char *rel)
{
	static struct submount_facts subs[MAX_MOUNTS][2];
	struct mount_facts *f = &fx.facts[i];
	struct submount_facts *sub = &subs[i][f->n_subs];

	*sub = (struct submount_facts){.target = "/b/rootfs/x",
				       .rel = rel,
				       .idmapped = true,
				       .maps_known = true,
				       .fstype = "ext4"};
	idmap_swap(777, 501, &sub->uid_map);
	idmap_swap(777, 20, &sub->gid_map);
	f->subs = subs[i];
	f->n_subs++;
	fx.mounts[i].is_recursive = true;
	return sub;
}

/* An rbind (501:20) whose tree holds an idmapped submount (disk 777:777 seen
 * as 501:20): the top gets the swap, the submount the swap composed with its
 * own maps, so it too shows as the container user and the container's
 * writes land on its disk as 777:777.  Same maps, one mapping; maps unknown
 * or not composable: the whole volume falls back, saying which submount. */
START_TEST(test_idmapped_submount_is_composed)
{
	const struct plan_mount *pm;
	static const struct id_extent small[] = {{0, 0, 100}};
	struct submount_facts *sub;

	add_bind("/data", 501, 20);
	add_idmapped_sub(0, "sub");
	fx.facts[0].subs[1] =
	    (struct submount_facts){.target = "/b/rootfs/data/t", .rel = "t", .fstype = "tmpfs"};
	fx.facts[0].n_subs = 2;
	add_bind("/same", 501, 20);
	add_idmapped_sub(1, "a/b");
	add_bind("/unknown", 501, 20);
	sub = add_idmapped_sub(2, "s");
	sub->maps_known = false;
	sub->maps_errno = EOPNOTSUPP;
	strcpy(sub->maps_err, "statmount cannot report an idmapped mount's maps");
	add_bind("/outside/", 501, 20);
	sub = add_idmapped_sub(3, "s");
	sub->uid_map = (struct idmap){.n = 1, .small = {small[0]}};
	pm = build(NULL, NULL);

	ck_assert_int_eq(pm[0].action, PLAN_IDMAP);
	ck_assert(!pm[0].composed);
	ck_assert_uint_eq(pm[0].sub_mapping, pm[0].mapping); /* the tmpfs: the swap */
	assert_sends(pm[0].mapping, 501, 1000, 20, 1000);
	ck_assert_uint_eq(pm[0].n_subs, 1);
	ck_assert_str_eq(pm[0].subs[0].path, "/data/sub");
	ck_assert_ptr_eq(pm[0].subs[0].facts, &fx.facts[0].subs[0]);
	assert_sends(pm[0].subs[0].mapping, 777, 1000, 777, 1000);
	assert_sends(pm[0].subs[0].mapping, 1000, 501, 1000, 20);
	assert_sends(pm[0].subs[0].mapping, 501, 777, 20, 777);
	assert_sends(pm[0].subs[0].mapping, 0, 0, 0, 0);
	assert_sends(pm[0].subs[0].mapping, 4294967294u, 4294967294u, 4294967294u, 4294967294u);

	ck_assert_int_eq(pm[1].action, PLAN_IDMAP);
	ck_assert_str_eq(pm[1].subs[0].path, "/same/a/b");
	ck_assert_uint_eq(pm[1].mapping, pm[0].mapping);
	ck_assert_uint_eq(pm[1].subs[0].mapping, pm[0].subs[0].mapping);

	assert_skip(&pm[2], "submount /unknown/s is an idmapped mount whose maps this kernel "
			    "cannot report (composing needs Linux 6.15): statmount cannot report");
	ck_assert_int_eq(pm[2].failed, -EOPNOTSUPP);
	assert_skip(&pm[3], "submount /outside/s is an idmapped mount whose maps cannot be "
			    "composed");
	ck_assert(pm[2].fallback && pm[3].fallback);
	ck_assert_uint_eq(fx.plan.n_mappings, 2);
}
END_TEST

/* Maps that could not be read: an older kernel's answers (ENOSYS, EINVAL,
 * EOPNOTSUPP) name the version composing needs; any other failure (the
 * submount could not be opened, a mount stacked over it, no memory, a text
 * that cannot be read, a map whose lines this user namespace cannot see)
 * says so, in the fact's own words, never blaming the kernel's version.
 * Either way a fallback, as a failed step (fatal with --strict). */
static const struct {
	int code;
	const char *err, *words;
} unknown_maps[] = {
    {ENOSYS, "statmount(0x1): Function not implemented",
     "this kernel cannot report (composing "
     "needs Linux 6.15)"},
    {EINVAL, "statmount(0x1): Invalid argument",
     "this kernel cannot report (composing needs "
     "Linux 6.15)"},
    {EOPNOTSUPP, "statmount cannot report",
     "this kernel cannot report (composing needs Linux "
     "6.15)"},
    {ENOENT, "cannot open it: No such file or directory", "could not be read"},
    {ESTALE, "mount 9 is there, not mount 8 the table showed: Stale file handle",
     "could not be read"},
    {ENOMEM, "statmount: Cannot allocate memory", "could not be read"},
    {EBADMSG, "statmount: uid map: 5 lines promised, fewer given: Bad message",
     "could not be read"},
    {ENODATA, "statmount: this user namespace sees no line of the mount's uid map",
     "could not be read"},
};

START_TEST(test_unknown_maps_say_why)
{
	const struct plan_mount *pm;
	struct submount_facts *sub;
	char want[PLAN_REASON_MAX * 2];

	add_idmapped("/src");
	fx.facts[0].maps_known = false;
	fx.facts[0].maps_errno = unknown_maps[_i].code;
	strcpy(fx.facts[0].maps_err, unknown_maps[_i].err);
	add_bind("/data", 501, 20);
	sub = add_idmapped_sub(1, "s");
	sub->maps_known = false;
	sub->maps_errno = unknown_maps[_i].code;
	strcpy(sub->maps_err, unknown_maps[_i].err);
	pm = build(NULL, NULL);

	snprintf(want, sizeof(want), "source is already an idmapped mount, whose maps %s: %s",
		 unknown_maps[_i].words, unknown_maps[_i].err);
	ck_assert_str_eq(pm[0].reason, want);
	snprintf(want, sizeof(want), "submount /data/s is an idmapped mount whose maps %s: %s",
		 unknown_maps[_i].words, unknown_maps[_i].err);
	ck_assert_str_eq(pm[1].reason, want);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(pm[i].action, PLAN_SKIP);
		ck_assert(pm[i].fallback);
		ck_assert_int_eq(pm[i].failed, -unknown_maps[_i].code);
	}
}
END_TEST

Suite *plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("policy");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_mismatch_is_idmapped);
	tcase_add_test(tc, test_gid_only_mismatch_is_idmapped);
	tcase_add_test(tc, test_skips);
	tcase_add_test(tc, test_annotations);
	tcase_add_test(tc, test_root_container_is_left_alone);
	tcase_add_test(tc, test_group_root_is_not_mapped);
	tcase_add_test(tc, test_mappings_are_shared);
	tcase_add_test(tc, test_userns_translates_the_user);
	tcase_add_test(tc, test_userns_root_is_idmapped);
	tcase_add_test(tc, test_userns_without_the_user);
	tcase_add_test(tc, test_hidden_by_a_later_mount);
	tcase_add_test(tc, test_source_that_cannot_be_idmapped);
	tcase_add_test(tc, test_seen_in_container);
	tcase_add_test(tc, test_source_path_rules);
	tcase_add_test(tc, test_container_root_is_never_handed_out);
	tcase_add_test(tc, test_host_root_uid_and_gid_each);
	tcase_add_test(tc, test_userns_without_root);
	tcase_add_test(tc, test_overflow_id_is_never_handed_out);
	tcase_add_test(tc, test_rootless_says_why);
	tcase_add_test(tc, test_idmapped_source_is_composed);
	tcase_add_test(tc, test_idmapped_submount_is_composed);
	tcase_add_loop_test(tc, test_unknown_maps_say_why, 0,
			    (int)(sizeof(unknown_maps) / sizeof(unknown_maps[0])));
	suite_add_tcase(s, tc);
	return s;
}
