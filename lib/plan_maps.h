/* SPDX-License-Identifier: Apache-2.0 */
/* The maps of a volume's tree: made, composed with idmapped sources' own,
 * and added to the plan's mappings (plan_maps.c). */
#pragma once

#include "owner.h"
#include "plan_types.h"

/* On-disk h (as the source shows it) is seen as t. */
struct id_pair {
	uint32_t h, t;
};

/* The mappings of the tree of mount i, built before any goes into the plan:
 * swap, owner_swap()'s decision, then the maps of what the source shows
 * (plan_skip_maps); uid and gid, the pairs they send. */
struct tree_maps {
	struct plan_mapping top, swap;
	struct id_pair uid, gid;
	struct plan_mapping *subs; /* per idmapped submount */
	size_t n_subs;
};

void plan_tree_maps_free(struct tree_maps *t);

/* A fact's maps_errno, 0 taken as "not reported" (EOPNOTSUPP). */
int plan_maps_errno(int maps_errno);

/* Why an idmapped mount's maps are unknown, after "whose maps": the kernel
 * version needed for what an older kernel answers (ENOSYS, EINVAL,
 * EOPNOTSUPP), else that they could not be read (the fact's own words then
 * say what failed, with its errno's text). */
const char *plan_unknown_maps_words(int code);

void plan_mapping_free(struct plan_mapping *m);

/* Find or add the mapping pair, moved into the plan (*m is empty after);
 * its index in *ret_k.  -ENOMEM leaves *m as it was. */
int plan_add_mapping(struct plan *p, struct plan_mapping *m, size_t *ret_k);

/* A path of the container's mount namespace as the container sees it
 * (path itself when it is not below the rootfs). */
const char *plan_in_rootfs(const struct oci_spec *spec, const char *path);

/* Drop the mappings no idmapped mount uses (after a mount was left),
 * renumbering the rest.  -ENOMEM only. */
int plan_drop_unused_mappings(struct plan *p);

/* A submount's path as the container sees it (in buf, or a part of its target). */
const char *plan_sub_path(const struct oci_spec *spec, const struct spec_mount *m,
			  const struct submount_facts *sub, char buf[static PLAN_REASON_MAX]);

/* The maps of mount i's tree, from the swap in ret_t->swap (owner_swap's):
 * first the maps of what the source shows (the swap; under a user
 * namespace, the owner-only maps, owner.h), then the top those (composed
 * with its own maps when the source is idmapped), each idmapped submount
 * those composed with its own, every other submount those.  Skips (a
 * fallback, the reason in pm) when any cannot be made or composed or its
 * maps are unknown. */
bool plan_skip_maps(const struct oci_spec *spec, const struct plan *p, const struct owner_rules *o,
		    const struct mount_facts *f, struct plan_mount *pm, struct tree_maps *ret_t);

/* Move the tree's maps into the plan's mappings (t is left empty). */
int plan_take_maps(const struct oci_spec *spec, struct plan *p, const struct mount_facts *f,
		   struct plan_mount *pm, struct tree_maps *t);
