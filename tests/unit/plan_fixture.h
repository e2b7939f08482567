/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Plan inputs, shared by the plan, owner and tree suites: a spec whose
 * container user is 1000:1000 (host "cloud" in the fixture accounts), bind
 * mounts with the facts of their sources, and the fixture host's account
 * files (tests/fixtures/accounts/host: no account 501, no group 501).  For
 * the trees: the container's mount table from a fixture file, and mounts
 * seen in it, made by hand (add_seen) or read from a config.json fixture
 * (load_config).
 */
#pragma once

#include "facts.h"
#include "plan.h"
#include "tests.h"

#define MAX_MOUNTS 16
#define RO MOUNT_FLAG_RDONLY
#define NOSUID MOUNT_FLAG_NOSUID
#define NODEV MOUNT_FLAG_NODEV
#define NOEXEC MOUNT_FLAG_NOEXEC
#define ACCOUNTS_FIXTURES "tests/fixtures/accounts/"

struct plan_fixture {
	struct oci_spec spec;
	struct hostinfo host;
	struct accounts accounts;
	struct spec_mount mounts[MAX_MOUNTS];
	struct mount_facts facts[MAX_MOUNTS];
	struct plan plan;
	/* The trees: the container's table, the host's, their text. */
	struct facts_view view;
	struct mount_table host_table;
	char *text, *host_text, *config;
	bool parsed; /* spec from load_config: spec_free'd */
};

extern struct plan_fixture fx;

void plan_fixture_setup(void);
void plan_fixture_teardown(void);

/* Add a bind mount whose source is owned uid:gid. */
struct spec_mount *add_bind(const char *dest, uint32_t uid, uint32_t gid);

/* An idmapped source whose disk owner_uid:owner_gid shows as 2000:2000 (swaps). */
void add_idmapped(const char *dest, uint32_t owner_uid, uint32_t owner_gid);

/* Submount of mount i: an idmapped view whose disk uid:gid shows as
 * seen_uid:seen_gid (swaps), at rel below the mount; marks i recursive. */
struct submount_facts *add_idmapped_sub(size_t i, const char *rel, uint32_t uid, uint32_t gid,
					uint32_t seen_uid, uint32_t seen_gid);

const struct plan_mount *build(const struct idmap *uid_ns, const struct idmap *gid_ns);
void assert_skip(const struct plan_mount *pm, const char *reason);
/* The mount idmaps and its maps send on-disk owner -> the container user's host ids. */
void assert_idmap(const struct plan_mount *pm, uint32_t uid_to, uint32_t gid_to);
/* The mount idmaps; its maps send on-disk uid -> uid_to, gid -> gid_to. */
void assert_owner_only(const struct plan_mount *pm, uint32_t uid, uint32_t uid_to, uint32_t gid,
		       uint32_t gid_to);
/* ... and leave on-disk uid and gid unmapped. */
void assert_unmapped(const struct plan_mount *pm, uint32_t uid, uint32_t gid);
/* Where does mapping k of the plan send uid and gid (asserted covered)? */
void assert_sends(size_t k, uint32_t uid, uint32_t uid_to, uint32_t gid, uint32_t gid_to);

/* --- trees: the container's table, what is seen in it, the plan's trees --- */

/* The container's (the host's) mount table from a fixture file, as libmount
 * parses it. */
void load_table(const char *name);
void load_host_table(const char *name);

/* A mount of config.json that the container shows at mount id (its
 * destination resolved to the root of that mount); bind mounts' sources
 * owned uid:gid. */
struct spec_mount *add_in_view(const char *dest, const char *type, int id, uint32_t uid,
			       uint32_t gid);

/* config.json from a fixture (bundle /b, rootfs /b/rootfs), its options
 * mapped, each mount seen in the loaded table where the container shows
 * its destination (the mount on top there); every source owned uid:gid. */
void load_config(const char *name, uint32_t uid, uint32_t gid);
/* The index of the entry with this destination (the last one). */
size_t entry_of(const char *dest);

/* Who made what (facts.c, pure), where attaching propagates (when a host
 * table is loaded), then the plan.  rebuild_tree: again, after a change to
 * the table or the spec. */
void build_tree(void);
void rebuild_tree(void);

/* The tree that holds planned mount i (asserted to be idmapped). */
const struct plan_tree *tree_of(size_t i);
/* Node j of tree t is the mount at path, with this role and these flags
 * added (its final flags: its own and these). */
void expect_node(const struct plan_tree *t, size_t j, const char *path, enum plan_role role,
		 unsigned int add);
unsigned int final_flags(const struct plan_node *n);
