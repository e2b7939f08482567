/* SPDX-License-Identifier: Apache-2.0 */
#include "facts_maps.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "mntmaps.h"

void facts_read_maps(int fd, int expect_id, bool *known, struct idmap *uid, struct idmap *gid,
		     int *ret_errno, char err[static FACTS_REASON_MAX])
{
	struct err e = {0};
	int id = -1;

	if (mntmaps_of_fd(fd, &id, uid, gid, &e) >= 0) {
		if (expect_id < 0 || id == expect_id) {
			*known = true;
			return;
		}
		idmap_free(uid);
		idmap_free(gid);
		err_set(&e, ESTALE, "mount %d is there, not mount %d the table showed", id,
			expect_id);
	}
	*ret_errno = e.code ? e.code : EIO;
	err_add_hint(&e);
	if (snprintf(err, FACTS_REASON_MAX, "%s", e.msg) < 0)
		err[0] = '\0';
}

void facts_read_subs_maps(struct mount_facts *f)
{
	for (size_t k = 0; k < f->n_subs; k++) {
		struct submount_facts *sub = &f->subs[k];
		_cleanup_close_ int fd = -EBADF;

		if (!sub->idmapped)
			continue;
		fd = open(sub->target, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			sub->maps_errno = errno;
			snprintf(sub->maps_err, sizeof(sub->maps_err), "cannot open it: %s",
				 strerror(sub->maps_errno));
			continue;
		}
		facts_read_maps(fd, sub->id, &sub->maps_known, &sub->uid_map, &sub->gid_map,
				&sub->maps_errno, sub->maps_err);
	}
}
