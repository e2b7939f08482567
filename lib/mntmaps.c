/* SPDX-License-Identifier: Apache-2.0 */
#include "mntmaps.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "syscalls.h"

#define LIST_CHUNK 512
/* Two maps of up to 340 lines of up to 33 bytes, and the rest. */
#define MNTMAPS_BUF_MIN (64 * 1024)
#define MNTMAPS_BUF_MAX (1024 * 1024)

static const uint64_t both_maps = STATMOUNT_MNT_UIDMAP | STATMOUNT_MNT_GIDMAP;

/* statmount(id) into a buffer of its own (grown while the kernel says it is
 * too small). */
static int stat_mount(uint64_t id, struct sys_statmount **ret_buf, size_t *ret_size, struct err *e)
{
	struct sys_mnt_id_req req = {
	    .size = SYS_MNT_ID_REQ_SIZE_VER0,
	    .mnt_id = id,
	    .param = STATMOUNT_MNT_BASIC | STATMOUNT_SUPPORTED_MASK | both_maps,
	};
	size_t size = MNTMAPS_BUF_MIN;
	int r = 0;

	for (;;) {
		_cleanup_free_ struct sys_statmount *buf = malloc(size);

		if (!buf)
			return err_set(e, ENOMEM, "statmount");
		if (sys_statmount(&req, buf, size, 0) == 0) {
			*ret_buf = TAKE_PTR(buf);
			*ret_size = size;
			return 0;
		}
		r = errno; /* before buf's cleanup runs */
		if (r != EOVERFLOW || size >= MNTMAPS_BUF_MAX)
			break;
		size *= 2;
	}
	r = err_set(e, r, "statmount(%#llx)", (unsigned long long)id);
	err_set_hint(e, ERR_STEP_STATMOUNT_MAPS);
	return r;
}

/* The n lines of one map, from offset off of the strings (len bytes); no
 * line at all (none the caller's user namespace can see) leaves *ret empty.
 * Text that is not what statmount promised: -EBADMSG. */
static int take_map(const struct sys_statmount *s, size_t len, uint32_t off, uint32_t n,
		    const char *which, struct idmap *ret, struct err *e)
{
	const char *p, *end = s->str + len;
	struct idmap m;
	int r;

	if (n == 0) {
		*ret = (struct idmap){0};
		return 0;
	}
	if (off >= len)
		return err_set(e, EBADMSG, "statmount: %s: offset %u past the strings (%zu bytes)",
			       which, off, len);
	p = s->str + off;
	for (uint32_t i = 0; i < n; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		if (!nul)
			return err_set(e, EBADMSG, "statmount: %s: %u lines promised, fewer given",
				       which, n);
		p = nul + 1;
	}
	r = idmap_parse(s->str + off, (size_t)(p - (s->str + off)), &m, e);
	if (r == -ENOMEM)
		return err_wrap(e, "statmount: %s", which);
	if (r < 0) { /* the kernel's text is not a map */
		e->code = EBADMSG;
		return err_wrap(e, "statmount: %s", which);
	}
	*ret = m;
	return 0;
}

int mntmaps_take(const struct sys_statmount *s, size_t size, struct mntmaps_entry *ret,
		 struct err *e)
{
	size_t len = s->size > sizeof(*s) ? s->size - sizeof(*s) : 0;
	struct mntmaps_entry x = {.id = (int)s->mnt_id_old};
	int r;

	if (len > size - sizeof(*s))
		len = size - sizeof(*s); /* never past the buffer */
	if (!(s->mask & STATMOUNT_MNT_BASIC))
		return err_msg(e, EOPNOTSUPP, "statmount: no mount attributes");
	x.idmapped = s->mnt_attr & MOUNT_ATTR_IDMAP;
	x.reported =
	    (s->mask & STATMOUNT_SUPPORTED_MASK) && (s->supported_mask & both_maps) == both_maps;
	if (!x.idmapped) {
		idmap_swap(0, 0, &x.uid_map); /* not idmapped: the identity */
		idmap_swap(0, 0, &x.gid_map);
	} else if (x.reported) {
		if ((s->mask & both_maps) != both_maps)
			return err_set(e, EBADMSG, "statmount: an idmapped mount without maps");
		r = take_map(s, len, s->mnt_uidmap, s->mnt_uidmap_num, "uid map", &x.uid_map, e);
		if (r < 0)
			return r;
		r = take_map(s, len, s->mnt_gidmap, s->mnt_gidmap_num, "gid map", &x.gid_map, e);
		if (r < 0) {
			idmap_free(&x.uid_map);
			return r;
		}
	}
	*ret = x;
	return 0;
}

/* The mount whose unique (64-bit) id is unique_id, as mntmaps_take() reads
 * it.  -ENOSYS: no statmount (Linux 6.8); -ENOENT: no such mount (any more). */
static int stat_entry(uint64_t unique_id, struct mntmaps_entry *ret, struct err *e)
{
	_cleanup_free_ struct sys_statmount *buf = NULL;
	size_t size = 0;
	int r;

	r = stat_mount(unique_id, &buf, &size, e);
	return r < 0 ? r : mntmaps_take(buf, size, ret, e);
}

/* The unique (64-bit) id of the mount fd lies on (statx, Linux 6.8). */
static int mount_id_of(int fd, uint64_t *ret_id, struct err *e)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_NO_AUTOMOUNT, STATX_MNT_ID_UNIQUE, &stx) < 0)
		return err_set(e, errno, "statx(MNT_ID_UNIQUE)");
	if (!(stx.stx_mask & STATX_MNT_ID_UNIQUE))
		return err_msg(e, EOPNOTSUPP, "statx: no unique mount id (needs Linux 6.8)");
	*ret_id = stx.stx_mnt_id;
	return 0;
}

int mntmaps_of_fd(int fd, int *ret_id, struct idmap *ret_uid, struct idmap *ret_gid, struct err *e)
{
	struct mntmaps_entry x;
	uint64_t id = 0;
	int r;

	r = mount_id_of(fd, &id, e);
	if (r >= 0)
		r = stat_entry(id, &x, e);
	if (r < 0)
		return r;
	if (x.idmapped && !x.reported)
		return err_msg(
		    e, EOPNOTSUPP,
		    "statmount cannot report an idmapped mount's maps (needs Linux 6.15)");
	if (x.idmapped && (x.uid_map.n == 0 || x.gid_map.n == 0)) {
		const char *which = x.uid_map.n == 0 ? "uid" : "gid";

		mntmaps_entry_free(&x);
		return err_set(e, ENODATA,
			       "statmount: this user namespace sees no line of the mount's %s map",
			       which);
	}
	if (ret_id)
		*ret_id = x.id;
	*ret_uid = x.uid_map;
	*ret_gid = x.gid_map;
	return 0;
}

void mntmaps_entry_free(struct mntmaps_entry *x)
{
	idmap_free(&x->uid_map);
	idmap_free(&x->gid_map);
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

static int compare_ids(const void *a, const void *b)
{
	const struct mntmaps_entry *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

int mntmaps_read(struct mnt_maps *ret_maps, struct err *e)
{
	_cleanup_free_ uint64_t *ids = NULL;
	size_t n_ids = 0;
	struct mnt_maps m = {0};
	int r;

	r = list_mounts(&ids, &n_ids, e);
	if (r < 0)
		return r;
	m.entries = n_ids ? calloc(n_ids, sizeof(*m.entries)) : NULL;
	if (n_ids && !m.entries)
		return err_set(e, ENOMEM, "mount maps");
	for (size_t i = 0; i < n_ids; i++) {
		struct mntmaps_entry x;

		r = stat_entry(ids[i], &x, e);
		if (r == -ENOENT) /* unmounted since it was listed */
			continue;
		if (r < 0) {
			mntmaps_free(&m);
			return r;
		}
		if (!x.reported) /* an older kernel: nothing to read */
			break;
		m.reported = true;
		if (x.idmapped)
			m.entries[m.n++] = x;
		else
			mntmaps_entry_free(&x);
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
	for (size_t i = 0; i < m->n; i++)
		mntmaps_entry_free(&m->entries[i]);
	free(m->entries);
	*m = (struct mnt_maps){0};
}
