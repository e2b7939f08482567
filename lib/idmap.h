/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The id mappings of an idmapped mount: pure functions, no syscalls.
 * A mount's map line "A B N" shows on-disk ids A..A+N-1 as B..B+N-1.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec.h"

#define IDMAP_MAX_EXTENTS 5
#define IDMAP_TEXT_MAX (IDMAP_MAX_EXTENTS * 33 + 1)

/* A full-range map (0..ID_MAX) that swaps a and b and is the identity
 * everywhere else; a == b gives the identity.  At most 5 extents. */
struct idmap {
	struct id_extent ext[IDMAP_MAX_EXTENTS];
	size_t n;
};

void idmap_swap(uint32_t a, uint32_t b, struct idmap *ret_map);
bool idmap_is_identity(const struct idmap *m);
bool idmap_equal(const struct idmap *a, const struct idmap *b);

/* Where does the map send id?  Returns false if id is not covered. */
bool idmap_apply(const struct idmap *m, uint32_t id, uint32_t *ret_id);

/* The map as uid_map text ("A B N\n" per extent); returns its length. */
size_t idmap_format(const struct idmap *m, char buf[static IDMAP_TEXT_MAX]);

/* Translate a container id to the host through a user namespace map
 * (OCI containerID -> hostID).  Returns false if the id is not mapped. */
bool idmap_to_host(const struct id_map *m, uint32_t id, uint32_t *ret_host);

/* Parse /proc/<pid>/uid_map text into m (allocates m->ext). */
int idmap_parse_proc(const char *text, struct id_map *ret_map);
