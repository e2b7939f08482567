/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Hand-made plan inputs, shared by the plan and owner suites: a spec whose
 * container user is 1000:1000 (host "cloud" in the fixture accounts), bind
 * mounts with the facts of their sources, and the fixture host's account
 * files (tests/fixtures/accounts/host: no account 501, no group 501).
 */
#pragma once

#include "plan.h"
#include "tests.h"

#define MAX_MOUNTS 8
#define ACCOUNTS_FIXTURES "tests/fixtures/accounts/"

struct plan_fixture {
	struct oci_spec spec;
	struct hostinfo host;
	struct accounts accounts;
	struct spec_mount mounts[MAX_MOUNTS];
	struct mount_facts facts[MAX_MOUNTS];
	struct plan plan;
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
