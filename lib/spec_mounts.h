/* SPDX-License-Identifier: Apache-2.0 */
/*
 * config.json's "mounts": each mount's own words, and what its options mean
 * to the kernel (libmount's map).  Below spec.c, which reads the rest of
 * the document and holds these in struct oci_spec.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "json.h"
#include "mount_types.h"

/* Bounded by IO_CONFIG_MAX anyway; more than this falls back (EFBIG). */
#define SPEC_MAX_MOUNTS 65536

enum mount_propagation {
	PROPAGATION_DEFAULT = 0, /* not given: the runtimes' default, slave */
	PROPAGATION_PRIVATE,
	PROPAGATION_SLAVE,
	PROPAGATION_SHARED,
	PROPAGATION_UNBINDABLE,
};

/* What spec_mounts_parse() reads of a mount are config.json's own words (the
 * destination, type "bind", options bind, rbind, idmap, ridmap): all the
 * hook needs to decide whether a mount is worth a look.  What the kernel's
 * options mean (ro, nosuid, the propagation types, ...) comes from
 * libmount's map, which spec_mounts_map_options() applies, once libmount is loaded
 * for a mount that is. */
struct spec_mount {
	char *destination; /* as written (owns the memory of every string here) */
	char *source;	   /* absolute (relative sources resolved to the bundle) */
	char *type;	   /* may be NULL */
	bool is_bind;	   /* type "bind" or option bind/rbind */
	bool is_recursive; /* option rbind */
	bool has_idmap;	   /* uidMappings/gidMappings or option idmap/ridmap */
	char *options;	   /* the options as written, each NUL-terminated, in order */
	size_t n_options;
	/* Set by spec_mounts_map_options(), 0 before: */
	unsigned int flags;	 /* enum mount_flag: ro, nosuid, ... (the mount itself) */
	unsigned int flags_tree; /* enum mount_flag: rro, rnosuid, ... (every submount too) */
	/* Every restriction any option names, plain or recursive, whatever
	 * option comes after it ("ro,rw" names ro): the flags crun 1.8 remounts
	 * a read-only entry with after the hooks (it ORs each option's flag in
	 * and takes none back).  And the atime options named, likewise. */
	unsigned int named;	  /* enum mount_flag */
	unsigned int atime_named; /* enum mount_atime_named */
	enum mount_propagation propagation;
};

/* The "mounts" array of the root object: *ret_mounts (*ret_n of them; free
 * with spec_mounts_free()).  bundle resolves relative sources.  Bounded by
 * SPEC_MAX_MOUNTS (EFBIG). */
int spec_mounts_parse(const json_value *root, const char *bundle, struct spec_mount **ret_mounts,
		      size_t *ret_n, struct err *e);
void spec_mounts_free(struct spec_mount *mounts, size_t n);

/* Every mount's options through libmount's map of the kernel's options:
 * flags, flags_tree, propagation.  -ELIBACC without libmount. */
int spec_mounts_map_options(struct spec_mount *mounts, size_t n, struct err *e);
