/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The id mappings of an idmapped mount: pure functions, no syscalls.
 * A mount's map line "A B N" shows on-disk ids A..A+N-1 as B..B+N-1.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define ID_MAX UINT32_C(4294967294) /* 4294967295 is (uid_t)-1: invalid */
/* The kernel's limit on the lines of one uid_map or gid_map, since 4.15
 * (UID_GID_MAP_MAX_EXTENTS in include/linux/user_namespace.h). */
#define IDMAP_MAX_EXTENTS 340

/* One line of a map: ids first..first+count-1 of the inside correspond to
 * lower..lower+count-1 of the outside. */
struct id_extent {
	uint32_t first;
	uint32_t lower;
	uint32_t count;
};

/* A swap needs at most 5 lines: those live in the struct itself. */
#define IDMAP_INLINE_EXTENTS 5
/* A map is written to /proc/PID/uid_map in one write(2), which the kernel
 * takes only when it is shorter than a page (map_write: count >= PAGE_SIZE
 * is EINVAL); 4096 is the smallest page Linux has.  A line is at most 33
 * bytes ("4294967294 4294967294 4294967295\n"), so 340 lines can be 11220:
 * a map must fit IDMAP_TEXT_MAX - 1 bytes as well as 340 lines. */
#define IDMAP_TEXT_MAX 4096
#define IDMAP_LINE_MAX 33

/*
 * A map: n extents, inside -> outside, at most IDMAP_MAX_EXTENTS.  Up to
 * IDMAP_INLINE_EXTENTS live in small[]; a longer map owns big[] (free it
 * with idmap_free()).  A struct idmap that owns big[] is moved, never
 * copied: the copy shares big[].  Two kinds, one type; they differ in how
 * they are read and which way they are applied:
 *
 * - a mount's map (idmap_parse, idmap_swap, idmap_compose*): inside is the
 *   on-disk id, outside the id seen through the mount.  Checked: sorted by
 *   first, none empty, no two overlapping on either side.  plan applies it
 *   forward (idmap_apply: on disk -> seen).
 * - a user namespace's map as read (config.json's linux.uidMappings, or
 *   /proc/PID/uid_map with idmap_parse_proc): inside is the container's id,
 *   outside the host's.  Its lines in their order, unchecked for overlaps
 *   (the kernel checks them when the runtime writes them; the first line
 *   that covers an id answers).  idmap_apply gives a container id's host id,
 *   idmap_apply_inverse a host id's container id.
 */
struct idmap {
	size_t n;
	struct id_extent *big; /* NULL when the extents fit small[] */
	struct id_extent small[IDMAP_INLINE_EXTENTS];
};

/* The map's extents (n of them). */
static inline const struct id_extent *idmap_extents(const struct idmap *m)
{
	return m->big ? m->big : m->small;
}

void idmap_free(struct idmap *m);

/* Make m own ext[0..n-1] (heap, or NULL when n is 0; a map of either kind,
 * checked by the caller): moved into small[] when it fits there (ext is
 * freed then). */
void idmap_take(struct idmap *m, struct id_extent *ext, size_t n);

/* A full-range map (0..ID_MAX) that swaps a and b and is the identity
 * everywhere else; a == b gives the identity.  At most 5 extents, so
 * ret_map never owns memory. */
void idmap_swap(uint32_t a, uint32_t b, struct idmap *ret_map);
bool idmap_is_identity(const struct idmap *m);
bool idmap_equal(const struct idmap *a, const struct idmap *b);

/* Where does the map send id (inside -> outside: on disk -> seen, or
 * container -> host)?  The first line that covers it answers.  Returns
 * false if id is not covered. */
bool idmap_apply(const struct idmap *m, uint32_t id, uint32_t *ret_id);

/* The other way: which id does the map send to id (seen -> on disk, or
 * host -> container)?  Returns false if none. */
bool idmap_apply_inverse(const struct idmap *m, uint32_t id, uint32_t *ret_id);

/* The length of the map as uid_map text, without the NUL. */
size_t idmap_text_len(const struct idmap *m);

/* The map as uid_map text ("A B N\n" per extent); returns its length.  Every
 * map this module builds fits (idmap_text_len() < IDMAP_TEXT_MAX). */
size_t idmap_format(const struct idmap *m, char buf[static IDMAP_TEXT_MAX]);

/*
 * Parse a mount's map: lines "inside outside count" separated by '\n' or
 * '\0' (statmount(2) gives NUL-separated lines), len bytes of text.  The
 * lines must form a valid map (see struct idmap; at most IDMAP_MAX_EXTENTS).
 * On success *ret_map is sorted and owns its memory.
 */
int idmap_parse(const char *text, size_t len, struct idmap *ret_map, struct err *e);

/*
 * Compose a mount's map g with an idmapped source's own map.  old: the
 * source's map (on-disk id d is seen through the source as old(d)); g: the
 * map for what the source shows, the swap of h (the volume's owner as seen
 * through the source) and t (the container user's host id), or
 * idmap_owner_only()'s.  *ret_new maps every d in old's domain whose old(d)
 * g maps to g(old(d)), and nothing else.  Fails (EINVAL, one line in e,
 * *ret_new untouched) when h or t is not a valid id (above ID_MAX), when
 * h != t is not in old's range (the owner shows through the source as the
 * overflow id, and the container user's writes could not be stored), when
 * nothing is left mapped, or when the result needs more than
 * IDMAP_MAX_EXTENTS lines or a text of IDMAP_TEXT_MAX bytes or more.
 */
int idmap_compose_map(const struct idmap *old, uint32_t h, uint32_t t, const struct idmap *g,
		      struct idmap *ret_new, struct err *e);

/* idmap_compose_map() with g the swap of h and t: a bijection from old's
 * domain onto old's range with h and t exchanged.  t need not be in old's
 * range: then nothing is seen as h any more.  h == t gives old itself
 * (merged), e.g. for a group left alone. */
int idmap_compose(const struct idmap *old, uint32_t h, uint32_t t, struct idmap *ret_new,
		  struct err *e);

/*
 * The map of a mount for a container with its own user namespace (ns:
 * containerID -> hostID), so that through it the container acts on disk as
 * the owner h and as nothing else of its own: on-disk h is seen as t (the
 * container user's host id; h == t: t as itself), every other id of ns's
 * host side is left unmapped (on disk it reads as the overflow id, and
 * nothing can be created or chowned as it: EOVERFLOW), and every id outside
 * it is seen as itself (the container cannot name those anyway).  No other
 * way back: whatever holds h in the container writes nothing.  At most
 * ns->n + 4 lines; fails (EINVAL) past what the kernel takes, as above.
 */
int idmap_owner_only(uint32_t h, uint32_t t, const struct idmap *ns, struct idmap *ret_map,
		     struct err *e);

/* Parse /proc/<pid>/uid_map text into *ret_map, a user namespace's map (its
 * lines in their order, at most IDMAP_MAX_EXTENTS; no line at all is an
 * empty map).  -EINVAL: not such text; -ENOMEM. */
int idmap_parse_proc(const char *text, struct idmap *ret_map);
