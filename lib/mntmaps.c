/* SPDX-License-Identifier: Apache-2.0 */
#include "mntmaps.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "syscalls.h"

#define LIST_CHUNK 512
/* A map has at most 340 lines of at most 32 characters: 2 x 11 KiB. */
#define STATMOUNT_BUF_MIN (64 * 1024)
#define STATMOUNT_BUF_MAX (1024 * 1024)

static bool parse_u32(const char *s, char **end, uint32_t *ret)
{
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, end, 10);
	if (errno || v > UINT32_MAX)
		return false;
	*ret = (uint32_t)v;
	return true;
}

int mntmaps_parse(const char *text, size_t len, uint32_t n, struct id_map *ret_map)
{
	struct id_map m = {.n = n};
	const char *p = text, *stop = text + len;

	m.ext = n ? calloc(n, sizeof(*m.ext)) : NULL;
	if (n && !m.ext)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		const char *nul = memchr(p, '\0', (size_t)(stop - p));
		struct id_extent *x = &m.ext[i];
		char *q;

		if (p >= stop || !nul || !parse_u32(p, &q, &x->first) || *q != ' ' ||
		    !parse_u32(q + 1, &q, &x->lower) || *q != ' ' ||
		    !parse_u32(q + 1, &q, &x->count) || q != nul) {
			free(m.ext);
			return -EINVAL;
		}
		p = nul + 1;
	}
	*ret_map = m;
	return 0;
}

/* Every mount id (the 64-bit unique ones) of the current namespace. */
static int list_mounts(uint64_t **ret_ids, size_t *ret_n, struct err *e)
{
	_cleanup_free_ uint64_t *ids = NULL;
	size_t n = 0;
	long got;

	do {
		struct sys_mnt_id_req req = {.size = SYS_MNT_ID_REQ_SIZE_VER0, .mnt_id = LSMT_ROOT};
		uint64_t *more = realloc(ids, (n + LIST_CHUNK) * sizeof(*ids));

		if (!more)
			return err_set(e, ENOMEM, "listmount");
		ids = more;
		req.param = n ? ids[n - 1] : 0;
		got = sys_listmount(&req, ids + n, LIST_CHUNK, 0);
		if (got < 0)
			return err_set(e, errno, "listmount");
		n += (size_t)got;
	} while (got == LIST_CHUNK);
	*ret_ids = TAKE_PTR(ids);
	*ret_n = n;
	return 0;
}

/* statmount(id) into *buf (grown while the kernel says it is too small). */
static int stat_mount(uint64_t id, struct sys_statmount **buf, size_t *size, struct err *e)
{
	struct sys_mnt_id_req req = {
	    .size = SYS_MNT_ID_REQ_SIZE_VER0,
	    .mnt_id = id,
	    .param = STATMOUNT_MNT_BASIC | STATMOUNT_SUPPORTED_MASK | STATMOUNT_MNT_UIDMAP |
		     STATMOUNT_MNT_GIDMAP,
	};

	for (;;) {
		if (!*buf && !(*buf = malloc(*size)))
			return err_set(e, ENOMEM, "statmount");
		if (sys_statmount(&req, *buf, *size, 0) == 0)
			return 0;
		if (errno != EOVERFLOW || *size >= STATMOUNT_BUF_MAX)
			return err_set(e, errno, "statmount(%#llx)", (unsigned long long)id);
		free(*buf);
		*buf = NULL;
		*size *= 2;
	}
}

/* Does the kernel that wrote s report maps (6.15: supported_mask came with them)? */
static bool reports_maps(const struct sys_statmount *s)
{
	const uint64_t both = STATMOUNT_MNT_UIDMAP | STATMOUNT_MNT_GIDMAP;

	return (s->mask & STATMOUNT_SUPPORTED_MASK) && (s->supported_mask & both) == both;
}

/* One statmount result's maps, when it has them: 1, else 0. */
static int take_maps(const struct sys_statmount *s, struct mntmaps_entry *ret, struct err *e)
{
	const uint64_t both = STATMOUNT_MNT_UIDMAP | STATMOUNT_MNT_GIDMAP;
	size_t len = s->size > sizeof(*s) ? s->size - sizeof(*s) : 0;
	struct mntmaps_entry x = {.id = (int)s->mnt_id_old};
	int r;

	if ((s->mask & both) != both || s->mnt_uidmap_num == 0 || s->mnt_uidmap >= len ||
	    s->mnt_gidmap >= len)
		return 0;
	r = mntmaps_parse(s->str + s->mnt_uidmap, len - s->mnt_uidmap, s->mnt_uidmap_num,
			  &x.uid_map);
	if (r == 0)
		r = mntmaps_parse(s->str + s->mnt_gidmap, len - s->mnt_gidmap, s->mnt_gidmap_num,
				  &x.gid_map);
	if (r < 0) {
		free(x.uid_map.ext);
		return err_msg(e, -r, "statmount: mount %d: maps not in the expected form", x.id);
	}
	*ret = x;
	return 1;
}

static int compare_ids(const void *a, const void *b)
{
	const struct mntmaps_entry *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

int mntmaps_read(struct mnt_maps *ret_maps, struct err *e)
{
	_cleanup_free_ uint64_t *ids = NULL;
	_cleanup_free_ struct sys_statmount *buf = NULL;
	size_t n_ids = 0, size = STATMOUNT_BUF_MIN;
	struct mnt_maps m = {0};
	int r;

	r = list_mounts(&ids, &n_ids, e);
	if (r < 0)
		return r;
	m.entries = n_ids ? calloc(n_ids, sizeof(*m.entries)) : NULL;
	if (n_ids && !m.entries)
		return err_set(e, ENOMEM, "mount maps");
	for (size_t i = 0; i < n_ids; i++) {
		r = stat_mount(ids[i], &buf, &size, e);
		if (r == -ENOENT) /* unmounted since it was listed */
			continue;
		if (r >= 0 && !m.reported && !(m.reported = reports_maps(buf)))
			break; /* an older kernel: nothing to read */
		if (r >= 0)
			r = take_maps(buf, &m.entries[m.n], e);
		if (r < 0) {
			mntmaps_free(&m);
			return r;
		}
		m.n += (size_t)r;
	}
	qsort(m.entries, m.n, sizeof(*m.entries), compare_ids);
	*ret_maps = m;
	return 0;
}

const struct mntmaps_entry *mntmaps_find(const struct mnt_maps *m, int id)
{
	struct mntmaps_entry key = {.id = id};

	if (!m->entries)
		return NULL;
	return bsearch(&key, m->entries, m->n, sizeof(*m->entries), compare_ids);
}

void mntmaps_free(struct mnt_maps *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->entries[i].uid_map.ext);
		free(m->entries[i].gid_map.ext);
	}
	free(m->entries);
	*m = (struct mnt_maps){0};
}
