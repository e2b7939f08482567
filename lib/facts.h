/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Observe, change nothing: what is mounted at each destination of config.json
 * inside the container (or, without a container, what its source is on the
 * host), and what the walk of each source path on the host saw.  Facts say
 * what was seen; plan.c decides what it means.
 */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "mntns.h"
#include "mountinfo.h"
#include "plan.h"
#include "spec.h"

/* What the hook keeps of the container after looking at it, for remount. */
struct facts_view {
	int root_fd;		  /* the rootfs, opened in the container's mount namespace */
	struct mount_table table; /* the container's mount table */
	size_t *made_by;	  /* per table entry: the spec mount whose visible mount is
				     its nearest ancestor-or-self, or FACTS_NO_ENTRY */
	bool stuck;		  /* could not return from the container: act no more */
};

/*
 * One struct mount_facts per spec mount (allocated).  ns: look inside its
 * target mount namespace (entered and left here) and keep the view; NULL, or
 * a pid in the hook's own namespace: the sources on the host only (the view
 * stays empty); not opened (target < 0): ns_err says why for each mount.
 * Fails only for memory or when the hook cannot return to its own namespace.
 */
int facts_collect(const struct oci_spec *spec, const struct mntns *ns, const struct err *ns_err,
		  struct mount_facts **ret_facts, struct facts_view *ret_view, struct err *e);

void facts_free(struct mount_facts *facts, size_t n);
void facts_view_free(struct facts_view *v);
