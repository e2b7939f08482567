/* SPDX-License-Identifier: Apache-2.0 */
/* The skip policy and the mappings the plan chooses, from hand-made inputs
 * (the owner rule itself: test_owner.c). */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "plan_fixture.h"

START_TEST(test_mismatch_is_idmapped)
{
	const struct plan_mount *pm;

	add_bind("/data", 501, 501);
	pm = build(NULL, NULL);
	assert_idmap(&pm[0], 1000, 1000);
	ck_assert(pm[0].has_owner);
	ck_assert_uint_eq(fx.plan.n_mappings, 1);
}
END_TEST

START_TEST(test_gid_only_mismatch_is_idmapped)
{
	const struct plan_mount *pm;

	add_bind("/data", 1000, 44); /* video, which lists cloud (1000) */
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
	add_bind("/mapped", 501, 501)->has_idmap = true;
	add_bind("/proc", 0, 0)->is_bind = false;
	add_bind("/gone", 501, 501);
	fx.facts[4].walk.err = ENOENT;
	add_bind("/idmapped", 501, 501);
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

	add_bind("/a", 501, 501);
	add_bind("/b", 501, 501);
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

/* A volume a readonlyPaths entry overlaps is left: the runtime's copy of it
 * after the hooks would drop the clone's nosuid, or carry it out. */
START_TEST(test_readonly_paths_are_left)
{
	char paths[] = "/proc/sys\0/data/sub";
	const struct plan_mount *pm;

	add_bind("/data", 501, 501);
	add_bind("/other", 501, 501);
	fx.spec.readonly_paths = paths;
	fx.spec.n_readonly_paths = 2;
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "linux.readonlyPaths has /data/sub");
	ck_assert_uint_eq(pm[0].owner_uid, 501);
	assert_idmap(&pm[1], 1000, 1000);
	fx.spec.readonly_paths = NULL;
	fx.spec.n_readonly_paths = 0;
}
END_TEST

START_TEST(test_root_container_is_left_alone)
{
	const struct plan_mount *pm;

	fx.spec.uid = 0;
	fx.spec.gid = 0;
	add_bind("/data", 501, 501);
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "root on the host");
}
END_TEST

START_TEST(test_mappings_are_shared)
{
	add_bind("/a", 501, 501);
	add_bind("/b", 501, 501);
	add_bind("/c", 502, 501);
	add_bind("/d", 501, 501);
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
	struct idmap uid_ns = {.n = 1, .big = u}, gid_ns = {.n = 1, .big = g};
	const struct plan_mount *pm;

	add_bind("/data", 501, 501);
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
	struct idmap ns = {.n = 1, .big = u};
	const struct plan_mount *pm;

	fx.spec.uid = 0;
	fx.spec.gid = 0;
	add_bind("/data", 501, 501);
	pm = build(&ns, &ns);
	assert_idmap(&pm[0], 100000, 100000);
}
END_TEST

START_TEST(test_userns_without_the_user)
{
	struct id_extent u[] = {{0, 100000, 1000}};
	struct idmap ns = {.n = 1, .big = u};
	const struct plan_mount *pm;

	add_bind("/data", 501, 501);
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

	add_bind("/data/cache", 501, 501);
	add_bind("/datax", 501, 501);
	add_bind("/data/", 501, 501);
	add_bind("/data/sub", 501, 501);
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

	add_bind("/proc-sub", 501, 501)->is_recursive = true;
	fx.facts[0].subs = &sub;
	fx.facts[0].n_subs = 1;
	add_bind("/mine", 1000, 1000);
	strcpy(fx.facts[1].fstype, "proc");
	add_bind("/pp", 501, 501);
	strcpy(fx.facts[2].fstype, "proc");
	add_bind("/fz", 501, 501);
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
		add_bind(i == 1 ? "//data" : "/data", 501, 501);
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

	add_bind("/a", 501, 501);
	fx.facts[0].walk.n_owners = 2;
	fx.facts[0].walk.owners[0] = 501;
	fx.facts[0].walk.owners[1] = 502;
	strcpy(fx.facts[0].walk.owner_at[1], "/home/other/link");
	add_bind("/b", 501, 501);
	strcpy(fx.facts[1].walk.open_dir, "/srv/shared");
	add_bind("/c", 501, 501);
	fx.facts[2].seen_in_container = true;
	fx.facts[2].at_mount_root = true;
	fx.facts[2].made_by = 2;
	fx.facts[2].ino = 7; /* the walk reached inode 0 */
	add_bind("/d", 501, 501);
	fx.facts[3].walk.err = ENOENT;
	strcpy(fx.facts[3].walk.at, "/srv/gone");
	add_bind("/e", 501, 501);
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

/* A user namespace without container 0 has no container root; host 0 is
 * still root. */
START_TEST(test_userns_without_root)
{
	struct id_extent u[] = {{1000, 101000, 1}};
	struct idmap ns = {.n = 1, .big = u};
	const struct plan_mount *pm;

	add_bind("/data", 501, 501);
	add_bind("/root", 0, 0);
	pm = build(&ns, &ns);
	assert_idmap(&pm[0], 101000, 101000);
	assert_skip(&pm[1], "owned by root");
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
	add_bind("/data", 501, 501);
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

/* Its maps known, the swap for the owner seen through it is composed with
 * them: the container user gets the disk's owner, its writes land there as
 * the disk's owner, and what showed as the container user now shows as the
 * seen owner.  Maps unknown, submounts, or no composition: a fallback. */
START_TEST(test_idmapped_source_is_composed)
{
	const struct plan_mount *pm;
	static const struct id_extent small[] = {{0, 0, 100}};

	add_idmapped("/composed", 501, 501);
	add_idmapped("/gid-only", 501, 1000);
	fx.facts[1].uid = fx.facts[1].walk.end.uid = 1000;
	/* disk 1000 (cloud's own group) seen as 44 (video, which lists cloud) */
	fx.facts[1].gid = fx.facts[1].walk.end.gid = 44;
	idmap_swap(1000, 44, &fx.facts[1].src_gid_map);
	add_idmapped("/unknown", 501, 501);
	fx.facts[2].maps_known = false;
	fx.facts[2].maps_errno = EOPNOTSUPP;
	strcpy(fx.facts[2].maps_err, "statmount cannot report an idmapped mount's maps");
	add_idmapped("/rbind", 501, 501);
	fx.facts[3].n_subs = 1;
	fx.facts[3].subs =
	    &(struct submount_facts){.target = "/b/rootfs/rbind/s", .fstype = "ext4"};
	add_idmapped("/outside", 501, 501); /* the seen owner is not in the source's map */
	fx.facts[4].src_uid_map = (struct idmap){.n = 1, .small = {small[0]}};
	pm = build(NULL, NULL);

	ck_assert_int_eq(pm[0].action, PLAN_IDMAP);
	ck_assert(pm[0].composed);
	ck_assert_str_eq(pm[0].reason, "maps composed with the source's own idmap");
	assert_sends(pm[0].mapping, 501, 1000, 501, 1000);
	assert_sends(pm[0].mapping, 1000, 2000, 1000, 2000);
	assert_sends(pm[0].mapping, 2000, 501, 2000, 501);
	assert_sends(pm[0].mapping, 0, 0, 0, 0);
	assert_sends(pm[0].mapping, 4294967294u, 4294967294u, 4294967294u, 4294967294u);

	/* The uid already matches: the source's uid map stays as it is. */
	ck_assert_int_eq(pm[1].action, PLAN_IDMAP);
	ck_assert(idmap_equal(&fx.plan.mappings[pm[1].mapping].uid_map, &fx.facts[1].src_uid_map));
	assert_sends(pm[1].mapping, 501, 2000, 1000, 1000);

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
	assert_sends(pm[3].sub_mapping, 501, 501, 501, 501);
	ck_assert_uint_eq(pm[3].n_subs, 0);
	assert_skip(&pm[4], "idmapped mount whose maps cannot be composed");
	for (int i = 2; i < 5; i++)
		ck_assert_msg(i == 3 || pm[i].fallback, "mount %d is a fallback", i);
	ck_assert_uint_eq(fx.plan.n_mappings, 3);
}
END_TEST

/* An rbind (501:501) whose tree holds an idmapped submount (disk 777:777 seen
 * as 501:501): the top gets the swap, the submount the swap composed with its
 * own maps, so it too shows as the container user and the container's
 * writes land on its disk as 777:777.  Same maps, one mapping; maps unknown
 * or not composable: the whole volume falls back, saying which submount. */
START_TEST(test_idmapped_submount_is_composed)
{
	const struct plan_mount *pm;
	static const struct id_extent small[] = {{0, 0, 100}};
	struct submount_facts *sub;

	add_bind("/data", 501, 501);
	add_idmapped_sub(0, "sub", 777, 777, 501, 501);
	fx.facts[0].subs[1] =
	    (struct submount_facts){.target = "/b/rootfs/data/t", .rel = "t", .fstype = "tmpfs"};
	fx.facts[0].n_subs = 2;
	add_bind("/same", 501, 501);
	add_idmapped_sub(1, "a/b", 777, 777, 501, 501);
	add_bind("/unknown", 501, 501);
	sub = add_idmapped_sub(2, "s", 777, 777, 501, 501);
	sub->maps_known = false;
	sub->maps_errno = EOPNOTSUPP;
	strcpy(sub->maps_err, "statmount cannot report an idmapped mount's maps");
	add_bind("/outside/", 501, 501);
	sub = add_idmapped_sub(3, "s", 777, 777, 501, 501);
	sub->uid_map = (struct idmap){.n = 1, .small = {small[0]}};
	pm = build(NULL, NULL);

	ck_assert_int_eq(pm[0].action, PLAN_IDMAP);
	ck_assert(!pm[0].composed);
	ck_assert_uint_eq(pm[0].sub_mapping, pm[0].mapping); /* the tmpfs: the swap */
	assert_sends(pm[0].mapping, 501, 1000, 501, 1000);
	ck_assert_uint_eq(pm[0].n_subs, 1);
	ck_assert_str_eq(pm[0].subs[0].path, "/data/sub");
	ck_assert_ptr_eq(pm[0].subs[0].facts, &fx.facts[0].subs[0]);
	assert_sends(pm[0].subs[0].mapping, 777, 1000, 777, 1000);
	assert_sends(pm[0].subs[0].mapping, 1000, 501, 1000, 501);
	assert_sends(pm[0].subs[0].mapping, 501, 777, 501, 777);
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

	add_idmapped("/src", 501, 501);
	fx.facts[0].maps_known = false;
	fx.facts[0].maps_errno = unknown_maps[_i].code;
	strcpy(fx.facts[0].maps_err, unknown_maps[_i].err);
	add_bind("/data", 501, 501);
	sub = add_idmapped_sub(1, "s", 777, 777, 501, 501);
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

/* Cheap facts first: which mounts are worth the exact view, from
 * config.json and the walks alone. */
START_TEST(test_candidates)
{
	bool look[MAX_MOUNTS];

	add_bind("/etc/hosts", 0, 0); /* Docker's files: root's */
	add_bind("/own", 1000, 1000); /* the container user's already */
	add_bind("/data", 501, 501);  /* a candidate */
	add_bind("/proc", 0, 0)->is_bind = false;
	add_bind("/mapped", 501, 501)->has_idmap = true;
	add_bind("/skipped", 501, 501);
	fx.spec.skip = "/skipped";
	add_bind("/gone", 501, 501);
	fx.facts[6].walk.err = ENOENT;
	add_bind("/group", 1000, 44); /* only the gid differs: worth a look */
	ck_assert_uint_eq(plan_candidates(&fx.spec, NULL, NULL, &fx.host, fx.facts, look), 2);
	for (size_t i = 0; i < fx.spec.n_mounts; i++)
		ck_assert_msg(look[i] == (i == 2 || i == 7), "%s", fx.mounts[i].destination);

	/* Nothing but root's files and the user's own: no candidate. */
	fx.spec.n_mounts = 2;
	ck_assert_uint_eq(plan_candidates(&fx.spec, NULL, NULL, &fx.host, fx.facts, look), 0);
	fx.spec.uid = 0; /* a root container: nothing is ever a candidate */
	fx.spec.n_mounts = 3;
	ck_assert_uint_eq(plan_candidates(&fx.spec, NULL, NULL, &fx.host, fx.facts, look), 0);
}
END_TEST

/* A mount the cheap look passes over is left alone, whatever the exact view
 * shows, and says the same whether or not it was looked at. */
START_TEST(test_passed_over_is_left_alone)
{
	const struct plan_mount *pm;
	bool look[MAX_MOUNTS];

	add_bind("/etc/hosts", 0, 0);
	fx.facts[0].uid = fx.facts[0].gid = 501; /* the container's mount: another owner */
	fx.facts[0].seen_in_container = fx.facts[0].at_mount_root = true;
	fx.facts[0].made_by = 0;
	add_bind("/own", 1000, 1000);
	add_bind("/hidden", 0, 0);
	add_bind("/hidden", 501, 501); /* hides it: the owner decides first */
	ck_assert_uint_eq(plan_candidates(&fx.spec, NULL, NULL, &fx.host, fx.facts, look), 1);
	ck_assert(look[3]);
	pm = build(NULL, NULL);
	assert_skip(&pm[0], "source is owned by root; never handed to a container user");
	assert_skip(&pm[1], "owner 1000:1000 already matches the container user");
	assert_skip(&pm[2], "source is owned by root; never handed to a container user");
	assert_idmap(&pm[3], 1000, 1000);
	ck_assert_uint_eq(plan_count(&fx.plan, PLAN_IDMAP), 1);
	ck_assert(!pm[0].fallback && !pm[0].failed);
}
END_TEST

Suite *plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("policy");

	tcase_add_checked_fixture(tc, plan_fixture_setup, plan_fixture_teardown);
	tcase_add_test(tc, test_mismatch_is_idmapped);
	tcase_add_test(tc, test_gid_only_mismatch_is_idmapped);
	tcase_add_test(tc, test_skips);
	tcase_add_test(tc, test_annotations);
	tcase_add_test(tc, test_readonly_paths_are_left);
	tcase_add_test(tc, test_root_container_is_left_alone);
	tcase_add_test(tc, test_mappings_are_shared);
	tcase_add_test(tc, test_userns_translates_the_user);
	tcase_add_test(tc, test_userns_root_is_idmapped);
	tcase_add_test(tc, test_userns_without_the_user);
	tcase_add_test(tc, test_hidden_by_a_later_mount);
	tcase_add_test(tc, test_source_that_cannot_be_idmapped);
	tcase_add_test(tc, test_seen_in_container);
	tcase_add_test(tc, test_source_path_rules);
	tcase_add_test(tc, test_userns_without_root);
	tcase_add_test(tc, test_rootless_says_why);
	tcase_add_test(tc, test_idmapped_source_is_composed);
	tcase_add_test(tc, test_idmapped_submount_is_composed);
	tcase_add_test(tc, test_candidates);
	tcase_add_test(tc, test_passed_over_is_left_alone);
	tcase_add_loop_test(tc, test_unknown_maps_say_why, 0,
			    (int)(sizeof(unknown_maps) / sizeof(unknown_maps[0])));
	suite_add_tcase(s, tc);
	return s;
}
