/* SPDX-License-Identifier: Apache-2.0 */
/* The part of a bundle's config.json the hook reads, as plain structs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "idmap.h"
#include "spec_mounts.h"

/* Annotations the hook honours. */
#define ANNOTATION_DISABLE "io.oci-idmap-hook.disable" /* "true": whole container */
#define ANNOTATION_SKIP "io.oci-idmap-hook.skip"       /* "/a,/b": those destinations */
#define ANNOTATION_STRICT "io.oci-idmap-hook.strict"   /* "true": failures are fatal */

struct oci_spec {
	char *root_path; /* absolute (relative root.path resolved to the bundle) */
	uint32_t uid, gid;
	bool has_userns;	       /* linux.namespaces has "user" */
	bool userns_has_path;	       /* ... joined by path: maps come from the pid */
	struct idmap uid_map, gid_map; /* linux.uidMappings / gidMappings */
	struct spec_mount *mounts;
	size_t n_mounts;
	bool disabled; /* ANNOTATION_DISABLE */
	bool strict;   /* ANNOTATION_STRICT */
	char *skip;    /* ANNOTATION_SKIP, comma-separated destinations, or NULL */
	/* linux.readonlyPaths: n_readonly_paths strings, each NUL-terminated,
	 * one after the other in one block (spec_paths.c) */
	char *readonly_paths;
	size_t n_readonly_paths;
};

/* Parse config.json (NUL-terminated); bundle resolves relative paths.  On
 * failure *ret_spec holds only disabled and strict, as far as the
 * annotations were read (they are read first): nothing to free. */
int spec_parse(const char *json, const char *bundle, struct oci_spec *ret_spec, struct err *e);
void spec_free(struct oci_spec *s);

/* Every mount's options through libmount's map of the kernel's options:
 * flags, flags_tree, propagation.  -ELIBACC without libmount. */
int spec_map_options(struct oci_spec *s, struct err *e);

/* A linux.readonlyPaths entry at, above or below destination (by
 * components, ".." taken back and never above the root), or NULL. */
const char *spec_readonly_overlap(const struct oci_spec *s, const char *destination);

/* Is destination listed in the skip annotation? */
bool spec_is_skipped_destination(const struct oci_spec *s, const char *destination);
